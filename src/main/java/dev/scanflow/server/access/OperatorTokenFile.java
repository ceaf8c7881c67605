package dev.scanflow.server.access;

import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.TokenFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator tokens file (scanflow.server.operator-tokens-file): one {@code <name> <role> <sha256 hex of the
 * token>} per line, {@code #} starts a comment. Hashes only, never a token; written like the agent tokens file
 * (through {@link TokenFile}: atomically, readable by its owner only).
 */
public record OperatorTokenFile(Path path) {

    /** One token's line: who holds it, what it may do, and its hash. */
    public record Entry(String name, Role role, byte[] hash) {
    }

    private static final String NAME = "[A-Za-z0-9._@-]{1,64}";

    public boolean exists() {
        return file().exists();
    }

    public List<Entry> read() {
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String line : file().lines()) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 3 || !parts[0].matches(NAME) || !parts[2].matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(path + " line " + number
                        + ": expected '<name> <viewer|operator|admin> <sha256 hex of the token>'");
            }
            try {
                entries.add(new Entry(parts[0], Role.parse(parts[1]), HexFormat.of().parseHex(parts[2])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " line " + number + ": " + e.getMessage());
            }
        }
        return entries;
    }

    /** Adds a token for the name with the role, replacing the name's earlier tokens; returns the token, shown once. */
    public String issue(String name, Role role) {
        if (!name.matches(NAME)) {
            throw new IllegalArgumentException("'" + name + "' is not a token name: 1 to 64 of A-Z a-z 0-9 . _ @ -");
        }
        revoke(name);
        String token = AgentTokens.newToken();
        List<String> lines = new ArrayList<>(exists() ? file().lines()
                : List.of("# ScanFlow operator tokens: <name> <role> <sha256 of the token> (hashes only)"));
        lines.add(name + " " + role.label() + " " + HexFormat.of().formatHex(AgentTokens.sha256(token)));
        file().write(lines);
        return token;
    }

    /** Removes the name's tokens; returns how many there were. */
    public int revoke(String name) {
        if (!exists()) {
            return 0;
        }
        List<String> kept = new ArrayList<>();
        int removed = 0;
        for (String line : file().lines()) {
            if (line.strip().startsWith(name + " ")) {
                removed++;
            } else {
                kept.add(line);
            }
        }
        file().write(kept);
        return removed;
    }

    /** Names with their roles; never the hashes. */
    public Map<String, Role> list() {
        Map<String, Role> roles = new TreeMap<>();
        if (exists()) {
            read().forEach(entry -> roles.put(entry.name(), entry.role()));
        }
        return roles;
    }

    private TokenFile file() {
        return new TokenFile(path);
    }
}

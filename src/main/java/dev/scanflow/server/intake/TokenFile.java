package dev.scanflow.server.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tokens file: one {@code <agent code> <sha256 hex of the token>} per line, {@code #} starts a comment.
 * Changes are written to a temporary file and moved into place, so the server never reads half a file,
 * and the file is readable by its owner only.
 */
public record TokenFile(Path path) {

    public boolean exists() {
        return Files.exists(path);
    }

    List<AgentTokens.Entry> read() {
        List<AgentTokens.Entry> entries = new ArrayList<>();
        int number = 0;
        for (String line : lines()) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            if (parts.length != 2 || !parts[1].matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(path + " line " + number
                        + ": expected '<agent code> <sha256 hex of the token>'");
            }
            entries.add(new AgentTokens.Entry(parts[0], HexFormat.of().parseHex(parts[1])));
        }
        return entries;
    }

    /** Adds a token for the agent, keeping its other tokens (several may be valid while agents switch). */
    public String issue(String agentCode) {
        String token = AgentTokens.newToken();
        List<String> lines = new ArrayList<>(exists() ? lines() : List.of("# ScanFlow agent tokens (hashes only)"));
        lines.add(AgentTokens.hashLine(agentCode, token));
        write(lines);
        return token;
    }

    /** Replaces every token of the agent with one new token. */
    public String rotate(String agentCode) {
        revoke(agentCode);
        return issue(agentCode);
    }

    /** Removes every token of the agent; returns how many there were. */
    public int revoke(String agentCode) {
        if (!exists()) {
            return 0;
        }
        List<String> kept = new ArrayList<>();
        int removed = 0;
        for (String line : lines()) {
            if (line.strip().startsWith(agentCode + " ")) {
                removed++;
            } else {
                kept.add(line);
            }
        }
        write(kept);
        return removed;
    }

    /** Agent codes with how many tokens each holds; never the hashes. */
    public Map<String, Integer> list() {
        Map<String, Integer> counts = new TreeMap<>();
        if (exists()) {
            read().forEach(entry -> counts.merge(entry.agentCode(), 1, Integer::sum));
        }
        return counts;
    }

    /** The file's lines as they are, comments included (also the operator tokens file's, server/access). */
    public List<String> lines() {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** Replaces the file's content atomically, readable by its owner only. */
    public void write(List<String> lines) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own protection applies
            }
            Files.write(temp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }
}

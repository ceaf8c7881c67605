package dev.scanflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where passwords and tokens may come from: the environment ({@code SCANFLOW_DB_PASSWORD}), a file named by the
 * environment ({@code SCANFLOW_DB_PASSWORD_FILE}, readable by its owner only), or a config file that only its
 * owner can read. Never from a {@code -D} system property: a command line is visible to every local user in
 * {@code ps} and over JMX (java.lang:type=Runtime InputArguments), so such a start is refused with a sentence.
 */
public final class Secrets {

    /** Every setting that holds a secret. */
    public static final Set<String> KEYS = Set.of(
            "scanflow.db.password",
            "scanflow.agent.token",
            "scanflow.agent.operator-token",
            "scanflow.server.api-token",
            "scanflow.server.tls.key-store-password",
            "scanflow.agent.tls.key-store-password",
            "scanflow.phpipam-api.app-code",
            "scanflow.phpipam-api.password",
            "scanflow.kafka.sasl-jaas-config",
            "scanflow.kafka.ssl-truststore-password",
            "scanflow.kafka.ssl-keystore-password",
            "scanflow.kafka.ssl-key-password");

    private static final long MAX_FILE_BYTES = 64 * 1024;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private Secrets() {
    }

    /** The environment variable naming a file that holds the secret: SCANFLOW_DB_PASSWORD_FILE. */
    public static String fileVariable(String key) {
        return SettingsSource.environmentName(key) + "_FILE";
    }

    /**
     * A secret a command-line client needs (the operator token of {@code scanflow fleet}, {@code scanflow vm}): from
     * the environment or the owner-only file it names, never from a {@code -D} option; null when neither is set.
     */
    public static String fromEnvironment(String key, Map<String, String> environment) {
        return read(key, new Properties(), null, environment, System.getProperties());
    }

    static String read(String key, Properties file, Path filePath, Map<String, String> environment, Properties system) {
        String env = SettingsSource.environmentName(key);
        if (system.getProperty(key) != null) {
            throw new InvalidSettings(key + " was given as a -D system property, and secrets are never read from there"
                    + " (every local user sees a command line, and JMX shows it): set " + env + " or " + fileVariable(key)
                    + " (a file only its owner can read) instead");
        }
        String direct = blankToNull(environment.get(env));
        String fileName = blankToNull(environment.get(fileVariable(key)));
        if (direct != null && fileName != null) {
            throw new InvalidSettings(key + " is set both as " + env + " and as " + fileVariable(key) + "; keep one");
        }
        if (direct != null) {
            return direct;
        }
        if (fileName != null) {
            return fromFile(key, Path.of(fileName));
        }
        String inFile = blankToNull(file.getProperty(key));
        if (inFile != null && filePath != null && openToOthers(filePath)) {
            throw new InvalidSettings("the config file " + filePath + " holds " + key + " but other users may read it"
                    + " (chmod 600 it), or better: set " + env + " or " + fileVariable(key));
        }
        return inFile;
    }

    private static String fromFile(String key, Path path) {
        String variable = fileVariable(key);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidSettings(variable + " names " + path + ", which is not a readable file");
        }
        if (openToOthers(path)) {
            throw new InvalidSettings(variable + " names " + path + ", which other users may read or change: chmod 600 it");
        }
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new InvalidSettings(variable + " names " + path + ", which is larger than a secret can be");
            }
            String value = blankToNull(Files.readString(path, StandardCharsets.UTF_8));
            if (value == null) {
                throw new InvalidSettings(variable + " names " + path + ", which is empty");
            }
            return value;
        } catch (IOException e) {
            throw new InvalidSettings(variable + ": cannot read " + path + ": " + e.getMessage());
        }
    }

    /** True when group or others have any right on the file; false where the file system has no POSIX modes. */
    static boolean openToOthers(Path path) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            return permissions.stream().anyMatch(OTHERS::contains);
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (IOException e) {
            throw new InvalidSettings("cannot read the mode of " + path + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

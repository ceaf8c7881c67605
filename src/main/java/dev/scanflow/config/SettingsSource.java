package dev.scanflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where settings come from, highest first: JVM system properties, environment variables
 * (scanflow.server.port is read from SCANFLOW_SERVER_PORT), then the role's config file.
 * Secrets ({@link Secrets#KEYS}) follow {@link Secrets}: never from system properties.
 */
public final class SettingsSource {

    private final Properties file;
    private final Map<String, String> environment;
    private final Properties system;
    /** Every key the settings classes asked for: the keys this role knows (see {@link KnownKeys}). */
    private final java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path filePath;

    public SettingsSource(Properties file, Map<String, String> environment, Properties system) {
        this(file, environment, system, null);
    }

    private SettingsSource(Properties file, Map<String, String> environment, Properties system, Path filePath) {
        this.file = file;
        this.environment = environment;
        this.system = system;
        this.filePath = filePath;
    }

    public static SettingsSource load(Path configFile) {
        Properties properties = new Properties();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new InvalidSettings("config file " + configFile + " not found");
            }
            try (InputStream in = Files.newInputStream(configFile)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + configFile, e);
            }
        }
        return new SettingsSource(properties, System.getenv(), System.getProperties(), configFile);
    }

    public static SettingsSource of(Properties properties) {
        return new SettingsSource(properties, Map.of(), new Properties());
    }

    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String raw(String key) {
        asked.add(key);
        if (Secrets.KEYS.contains(key)) {
            return Secrets.read(key, file, filePath, environment, system);
        }
        String value = system.getProperty(key);
        if (value == null) {
            value = environment.get(environmentName(key));
        }
        if (value == null) {
            value = file.getProperty(key);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The keys asked for so far. */
    public java.util.Set<String> askedKeys() {
        return java.util.Set.copyOf(asked);
    }

    /** The keys the config file sets, and the scanflow.* keys set as -D options. */
    public java.util.Set<String> givenKeys() {
        java.util.Set<String> given = new java.util.TreeSet<>(file.stringPropertyNames());
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("scanflow.")) {
                given.add(name);
            }
        }
        return given;
    }

    /** Environment variables named like a setting (SCANFLOW_...). */
    public java.util.Set<String> givenEnvironmentNames() {
        java.util.Set<String> given = new java.util.TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.startsWith("SCANFLOW_")) {
                given.add(name);
            }
        }
        return given;
    }

    public String string(String key, String fallback) {
        String value = raw(key);
        return value == null ? fallback : value;
    }

    public String required(String key) {
        String value = raw(key);
        if (value == null) {
            throw new InvalidSettings(key + " is required (set it in the config file or as " + environmentName(key) + ")");
        }
        return value;
    }

    public int integer(String key, int fallback, int min, int max) {
        int value = parse(key, fallback, Integer::parseInt);
        if (value < min || value > max) {
            throw new InvalidSettings(key + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    public long bytes(String key, long fallback) {
        long value = parse(key, fallback, Long::parseLong);
        if (value < 1024) {
            throw new InvalidSettings(key + " must be at least 1024 bytes, not " + value);
        }
        return value;
    }

    public boolean bool(String key, boolean fallback) {
        return parse(key, fallback, text -> {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            return Boolean.parseBoolean(text);
        });
    }

    /** Durations in ISO-8601 (PT10M) or as a number with s, m or h (600s, 10m). */
    public Duration duration(String key, Duration fallback) {
        Duration value = parse(key, fallback, SettingsSource::parseDuration);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidSettings(key + " must be positive");
        }
        return value;
    }

    public ZoneId zone(String key, ZoneId fallback) {
        return parse(key, fallback, ZoneId::of);
    }

    private <T> T parse(String key, T fallback, Function<String, T> parser) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new InvalidSettings(key + "=" + value + " is not valid: " + e.getMessage());
        }
    }

    static Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("use 30s, 10m, 1h or ISO-8601 such as PT10M");
        };
    }
}

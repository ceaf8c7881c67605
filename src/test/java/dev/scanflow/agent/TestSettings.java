package dev.scanflow.agent;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import java.util.Properties;

/** Agent settings for unit tests: code and token set, everything else as given or default. */
public final class TestSettings {

    public static final String CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";

    private TestSettings() {
    }

    public static AgentSettings of(String... keyValues) {
        return AgentSettings.from(SettingsSource.of(properties(keyValues)));
    }

    public static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", "token-for-tests");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }
}

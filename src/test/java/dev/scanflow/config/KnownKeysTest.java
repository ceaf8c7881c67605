package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Misspelled and unknown keys stop the start with the key named; the shipped config files use known keys only. */
class KnownKeysTest {

    private static final Path HOME = Path.of(".").toAbsolutePath().normalize();
    private static final List<String> API_KEYS = dev.scanflow.agent.phpipam.PhpipamApiSettings.KEYS;

    private static Properties agent() {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", "Agent-keys-code-0123456789abcdef");
        properties.setProperty("scanflow.agent.token", "t");
        return properties;
    }

    @Test
    void aMisspelledKeyIsRefusedWithTheNearestKnownOne() {
        Properties properties = agent();
        properties.setProperty("scanflow.agent.subnetz", "127.0.0.0/29");
        SettingsSource source = SettingsSource.of(properties);
        AgentSettings.from(source);
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> KnownKeys.require(source, "agent", API_KEYS));
        assertEquals("scanflow.agent.subnetz is not a setting of the agent (did you mean scanflow.agent.subnets?)",
                refused.getMessage());
    }

    @Test
    void anUnknownKeyFarFromAnyIsRefusedWithoutAGuessAndOthersAreListed() {
        Properties properties = agent();
        properties.setProperty("scanflow.agnt.colour", "blue");
        properties.setProperty("camel.foo", "bar");
        SettingsSource source = SettingsSource.of(properties);
        AgentSettings.from(source);
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> KnownKeys.require(source, "agent", API_KEYS));
        assertEquals("camel.foo is not a setting of the agent; also unknown: scanflow.agnt.colour", refused.getMessage());
    }

    @Test
    void unknownJvmOptionsCountButNotTheLaunchersOwnOrForeignOnes() {
        Properties system = new Properties();
        system.setProperty("scanflow.home", "/opt/scanflow");
        system.setProperty("java.io.tmpdir", "/tmp");
        SettingsSource fine = new SettingsSource(agent(), Map.of("SCANFLOW_JAVA_OPTS", "-Xmx1g"), system);
        AgentSettings.from(fine);
        KnownKeys.require(fine, "agent", API_KEYS);

        system.setProperty("scanflow.agent.shedule", "* * * * *");
        SettingsSource typo = new SettingsSource(agent(), Map.of(), system);
        AgentSettings.from(typo);
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> KnownKeys.require(typo, "agent", API_KEYS));
        assertTrue(refused.getMessage().contains("did you mean scanflow.agent.schedule?"), refused.getMessage());
    }

    /** Every key the shipped files name, set or commented out, is one the role really reads. */
    @Test
    void theShippedConfigFilesNameKnownKeysOnly() throws IOException {
        SettingsSource server = source(HOME.resolve("config/server.properties"), Map.of("SCANFLOW_DB_PASSWORD", "x"));
        ServerSettings.from(server, HOME);
        dev.scanflow.server.vm.VmSettings.from(server, Map.of(), HOME);
        KnownKeys.require(server, "server", List.of());
        assertKnown(HOME.resolve("config/server.properties"), server, List.of());

        SettingsSource agentSource = source(HOME.resolve("config/agent.properties"),
                Map.of("SCANFLOW_AGENT_CODE", "Agent-keys-code-0123456789abcdef", "SCANFLOW_AGENT_TOKEN", "t"));
        AgentSettings.from(agentSource);
        KnownKeys.require(agentSource, "agent", API_KEYS);
        assertKnown(HOME.resolve("config/agent.properties"), agentSource, API_KEYS);
    }

    private static SettingsSource source(Path file, Map<String, String> environment) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return new SettingsSource(properties, environment, new Properties());
    }

    /** Both ways: every key the file names is read, and every key the role reads is in the file (set or commented). */
    private static void assertKnown(Path file, SettingsSource source, List<String> alsoKnown) throws IOException {
        Pattern named = Pattern.compile("^#?\\s*(scanflow\\.[a-z0-9.-]+)=");
        java.util.Set<String> documented = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            Matcher key = named.matcher(line);
            if (key.find()) {
                String name = key.group(1);
                documented.add(name);
                assertTrue(source.askedKeys().contains(name) || alsoKnown.contains(name),
                        file.getFileName() + " documents " + name + ", which nothing reads");
            }
        }
        java.util.Set<String> undocumented = new java.util.TreeSet<>(source.askedKeys());
        undocumented.removeAll(documented);
        assertEquals(java.util.Set.of(), undocumented, "keys the role reads that " + file.getFileName() + " does not document");
    }
}

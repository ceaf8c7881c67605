package dev.scanflow.server.vm;

import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.server.intake.AgentTokens;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A ScanFlow server in a JVM of its own, so that a test can kill it (SIGKILL) in the middle of a VM job:
 * settings from the properties file in args[0], the Proxmox token from the environment as in production.
 */
public final class VmServerProcess {

    private VmServerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        }
        Path home = Path.of(".").toAbsolutePath().normalize();
        SettingsSource source = SettingsSource.of(properties);
        CamelApp app = new CamelApp();
        ServerRole.configure(app, ServerSettings.from(source, home), VmSettings.from(source, System.getenv(), home),
                AgentTokens.ofPlainTokens(Map.of()), home);
        app.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

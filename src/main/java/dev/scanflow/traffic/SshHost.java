package dev.scanflow.traffic;

import dev.scanflow.net.IpAddress;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One end of a traffic test: where ScanFlow logs in over SSH and which address iperf3 uses there. Every field
 * is checked here, because each one ends up in an SSH endpoint or a remote command line.
 *
 * @param sshHost   the SSH address, an IP literal or a DNS name
 * @param sshPort   the SSH port
 * @param user      the login name
 * @param keyFile   the private key (OpenSSH or PEM format) ScanFlow authenticates with
 * @param testAddress the IP address iperf3 binds to (server side) or connects from (client side)
 * @param iperf3    the absolute path of iperf3 on that host
 */
public record SshHost(String sshHost, int sshPort, String user, Path keyFile, String testAddress, String iperf3) {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Pattern REMOTE_PATH = Pattern.compile("/[A-Za-z0-9._/+-]{1,255}");
    private static final Pattern KEY_PATH = Pattern.compile("[A-Za-z0-9._/+-]{1,1024}");

    public SshHost {
        require(sshHost != null && (isIpLiteral(sshHost) || HOST_NAME.matcher(sshHost).matches()),
                "ssh host must be an IP address or a DNS name: " + sshHost);
        require(sshPort >= 1 && sshPort <= 65535, "ssh port must be 1..65535: " + sshPort);
        require(user != null && USER.matcher(user).matches(), "user must match " + USER.pattern() + ": " + user);
        require(keyFile != null && KEY_PATH.matcher(keyFile.toString()).matches(),
                "key file must be a plain path (letters, digits, . _ / + -): " + keyFile);
        require(testAddress != null && isIpLiteral(testAddress), "test address must be an IP address: " + testAddress);
        testAddress = IpAddress.parse(testAddress).toString();
        require(iperf3 != null && REMOTE_PATH.matcher(iperf3).matches() && !iperf3.contains(".."),
                "iperf3 must be an absolute plain path: " + iperf3);
    }

    /** Where the operator's known_hosts must name this host: {@code host} on port 22, else {@code [host]:port}. */
    public String knownHostsName() {
        return KnownHostsVerifier.expectedName(sshHost, sshPort);
    }

    /** The same host for the one-test-per-pair rule: the SSH address and port. */
    public String identity() {
        return sshHost.toLowerCase(java.util.Locale.ROOT) + ":" + sshPort;
    }

    static boolean isIpLiteral(String text) {
        try {
            IpAddress.parse(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

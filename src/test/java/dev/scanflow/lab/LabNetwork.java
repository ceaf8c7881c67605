package dev.scanflow.lab;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The namespace lab of {@code docs/lab.md} as a test fixture: real hosts for real nmap and masscan scans on one
 * machine.
 *
 * <pre>
 *   root namespace (the scanner: JVM, nmap, masscan)
 *     &lt;prefix&gt;s  198.18.0.3/24 [2001:db8:5f::3/64]  mac 02:5f:00:00:00:03
 *        |
 *   &lt;prefix&gt;-br: br0 -- scan, gw, h11, h12, ...
 *        |            |    |
 *        |   &lt;prefix&gt;-gw: e0 198.18.0.1/24 (ip_forward=1, send_redirects=0: masscan's --router-ip)
 *   &lt;prefix&gt;-h11: e0 198.18.0.11/24 [2001:db8:5f::11/64] mac 02:5f:00:00:00:0b,  h12: .12 ...
 * </pre>
 *
 * Use:
 * <pre>
 *   LabNetwork.assumeAvailable();
 *   try (LabNetwork lab = LabNetwork.create(3)) {
 *       LabNetwork.exec(List.of("nmap", "-sn", "-n", LabNetwork.SUBNET_V4, "-oX", "-"), Duration.ofSeconds(60));
 *   }
 * </pre>
 *
 * <p>THE ADDRESS RULE: everything this class creates and every address it hands out is inside the lab; tests
 * must scan only those addresses (or loopback).
 *
 * <p>The lab addresses are fixed, so only one lab exists at a time on a machine: {@link #create} waits for a
 * JVM-wide semaphore and a machine-wide file lock. Namespaces left behind by a killed run (names {@code sfl?????-*})
 * are removed when the next lab is created. Every external command runs with a timeout; its stderr is part of
 * the exception message on failure.
 */
public final class LabNetwork implements AutoCloseable {

    public static final String SUBNET_V4 = "198.18.0.0/24";
    public static final String GATEWAY_V4 = "198.18.0.1";
    public static final String SCANNER_V4 = "198.18.0.3";
    public static final String SCANNER_MAC = "02:5f:00:00:00:03";
    public static final String GATEWAY_MAC = "02:5f:00:00:00:01";
    /** Documentation space (RFC 3849), used only inside the lab. */
    public static final String SUBNET_V6 = "2001:db8:5f::/64";
    public static final String SCANNER_V6 = "2001:db8:5f::3";
    public static final int FIRST_HOST_OCTET = 11;
    public static final int MAX_HOSTS = 254 - FIRST_HOST_OCTET + 1;

    /** Default timeout of the {@code ip}/{@code sysctl} commands the lab runs itself. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private static final String V4_PREFIX = "198.18.0.";
    private static final String V6_PREFIX = "2001:db8:5f::";
    private static final Pattern OWN_NAMESPACE = Pattern.compile("sfl[0-9a-f]{5}-[a-z0-9]+");
    private static final Pattern OWN_ROOT_LINK = Pattern.compile("sfl[0-9a-f]{5}s");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Duration LOCK_WAIT = Duration.ofMinutes(3);

    private static final Semaphore JVM_LOCK = new Semaphore(1);
    private static final Set<LabNetwork> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_REGISTERED = new AtomicBoolean();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile String netnsProbeFailure;
    private static volatile boolean netnsProbed;

    /** External programs a lab test may need; {@link #assumeAvailable(Tool...)} checks them. */
    public enum Tool {
        IP("ip"), NMAP("nmap"), MASSCAN("masscan"), SSHD("sshd"), SSH_KEYGEN("ssh-keygen"), PYTHON3("python3"),
        IPERF3("iperf3"), SYSCTL("sysctl");

        private final String program;

        Tool(String program) {
            this.program = program;
        }

        public String program() {
            return program;
        }

        /** The absolute path of the program: PATH first, then the sbin directories (ip, sysctl, sshd live there). */
        public Optional<Path> locate() {
            List<String> dirs = new ArrayList<>();
            String path = System.getenv("PATH");
            if (path != null) {
                dirs.addAll(Arrays.asList(path.split(File.pathSeparator)));
            }
            dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
            for (String dir : dirs) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
            return Optional.empty();
        }

        String path() {
            return locate().map(Path::toString)
                    .orElseThrow(() -> new IllegalStateException(program + " not found on PATH"));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // availability

    /** Checks root, {@code ip}, {@code sysctl}, {@code nmap} and that namespaces can be created. */
    public static void assumeAvailable() {
        assumeAvailable(new Tool[0]);
    }

    /**
     * Like {@link #assumeAvailable()}, plus the given tools (e.g. {@link Tool#MASSCAN}, {@link Tool#SSHD}). When
     * something is missing the test is skipped with a message naming it, except when env {@code CI=true}: then
     * it fails, because lab tests must run in CI.
     */
    public static void assumeAvailable(Tool... extra) {
        List<String> missing = missingRequirements(extra);
        if (missing.isEmpty()) {
            return;
        }
        String message = "namespace lab unavailable: " + String.join("; ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: lab tests must run in CI, never skip)");
        }
        Assumptions.assumeTrue(false, message);
    }

    /** What is missing to run a lab test with the given extra tools; empty when everything is there. */
    public static List<String> missingRequirements(Tool... extra) {
        List<String> missing = new ArrayList<>();
        long uid = currentUid();
        if (uid != 0) {
            missing.add("root (the lab creates network namespaces; running as uid " + uid + ")");
        }
        List<Tool> tools = new ArrayList<>(List.of(Tool.IP, Tool.SYSCTL, Tool.NMAP));
        for (Tool t : extra) {
            if (!tools.contains(t)) {
                tools.add(t);
            }
        }
        if (tools.contains(Tool.SSHD) && !tools.contains(Tool.SSH_KEYGEN)) {
            tools.add(Tool.SSH_KEYGEN);
        }
        for (Tool t : tools) {
            if (t.locate().isEmpty()) {
                missing.add(t.program() + " (not on PATH" + packageHint(t) + ")");
            }
        }
        if (uid == 0 && Tool.IP.locate().isPresent()) {
            String probe = probeNetns();
            if (probe != null) {
                missing.add("permission to create network namespaces (" + probe + ")");
            }
        }
        return missing;
    }

    private static String packageHint(Tool t) {
        switch (t) {
            case IP: return "; Debian package iproute2";
            case SYSCTL: return "; Debian package procps";
            case SSHD: case SSH_KEYGEN: return "; Debian package openssh-server";
            default: return "; Debian package " + t.program();
        }
    }

    private static long currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]); // effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no /proc
        }
        return -1;
    }

    private static synchronized String probeNetns() {
        if (!netnsProbed) {
            String name = "sflprobe" + Integer.toHexString(RANDOM.nextInt(0x10000));
            String ip = Tool.IP.path();
            ExecResult add = exec(List.of(ip, "netns", "add", name), COMMAND_TIMEOUT);
            if (add.ok()) {
                exec(List.of(ip, "netns", "delete", name), COMMAND_TIMEOUT);
                netnsProbeFailure = null;
            } else {
                netnsProbeFailure = add.describeFailure();
            }
            netnsProbed = true;
        }
        return netnsProbeFailure;
    }

    // ------------------------------------------------------------------------------------------------------------
    // creation

    /** A lab with {@code hostCount} IPv4 hosts (198.18.0.11 and up), a gateway and the root-namespace scanner. */
    public static LabNetwork create(int hostCount) {
        return builder().hosts(hostCount).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int hosts = 1;
        private boolean ipv6;

        private Builder() {
        }

        public Builder hosts(int count) {
            if (count < 1 || count > MAX_HOSTS) {
                throw new IllegalArgumentException("hostCount must be 1.." + MAX_HOSTS + ": " + count);
            }
            this.hosts = count;
            return this;
        }

        /** Also give every host 2001:db8:5f::&lt;octet&gt;/64 and the scanner 2001:db8:5f::3/64 (nodad). */
        public Builder ipv6(boolean enabled) {
            this.ipv6 = enabled;
            return this;
        }

        public LabNetwork build() {
            return LabNetwork.build(this);
        }
    }

    private final String prefix;
    private final boolean ipv6;
    private final int hostCount;
    private final String ip;
    private final String rootLink;
    private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, LabHost> hostsByNamespace = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<LabProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger processCounter = new AtomicInteger();
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private volatile boolean rootLinkCreated;
    private volatile boolean closed;
    private volatile Path tempDir;
    private volatile Path sshHostKey;

    private LabNetwork(Builder b, String prefix, FileChannel lockChannel, FileLock fileLock) {
        this.prefix = prefix;
        this.ipv6 = b.ipv6;
        this.hostCount = b.hosts;
        this.ip = Tool.IP.path();
        this.rootLink = prefix + "s";
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
    }

    private static LabNetwork build(Builder b) {
        registerShutdownHook();
        try {
            if (!JVM_LOCK.tryAcquire(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("another LabNetwork in this JVM was not closed within " + LOCK_WAIT
                        + " (the lab addresses are fixed: one lab at a time; close it with try-with-resources)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lab lock", e);
        }
        FileChannel channel = null;
        FileLock lock = null;
        LabNetwork lab = null;
        try {
            channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = acquireFileLock(channel);
            lab = new LabNetwork(b, newPrefix(), channel, lock);
            OPEN.add(lab);
            lab.setUp();
            return lab;
        } catch (RuntimeException | Error e) {
            if (lab != null) {
                try {
                    lab.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            } else {
                releaseLocks(channel, lock);
            }
            throw e;
        } catch (IOException e) {
            releaseLocks(channel, lock);
            throw new UncheckedIOException("cannot open the lab lock file " + lockFile(), e);
        }
    }

    private static Path lockFile() {
        Path runLock = Path.of("/run/lock");
        Path dir = Files.isDirectory(runLock) ? runLock : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("scanflow-lab.lock");
    }

    private static FileLock acquireFileLock(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another process held " + lockFile() + " for " + LOCK_WAIT
                        + " (a lab of another test run on this machine?)");
            }
            sleep(200);
        }
    }

    private static void releaseLocks(FileChannel channel, FileLock lock) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing the channel releases the lock anyway
        } finally {
            JVM_LOCK.release();
        }
    }

    private static String newPrefix() {
        return String.format(Locale.ROOT, "sfl%05x", RANDOM.nextInt(0x100000));
    }

    private void setUp() {
        removeStaleLabs();
        ExecResult existing = ip("-o", "addr", "show", "to", SUBNET_V4);
        if (!existing.stdout().isBlank()) {
            throw new IllegalStateException("the root namespace already has an address in " + SUBNET_V4
                    + " (not from a LabNetwork; remove it first): " + existing.stdout().strip());
        }
        try {
            tempDir = Files.createTempDirectory("scanflow-lab-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        String br = bridgeNamespace();
        addNamespace(br);
        ip("-n", br, "link", "set", "lo", "up");
        ip("-n", br, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        ip("-n", br, "link", "set", "br0", "up");

        String gw = gatewayNamespace();
        addEndpoint("gw", gw, GATEWAY_MAC);
        sysctl(gw, "net.ipv4.ip_forward=1");
        sysctl(gw, "net.ipv4.conf.all.send_redirects=0");
        sysctl(gw, "net.ipv4.conf.default.send_redirects=0");
        sysctl(gw, "net.ipv4.conf.e0.send_redirects=0");
        ip("-n", gw, "addr", "add", GATEWAY_V4 + "/24", "dev", "e0");
        ip("-n", gw, "link", "set", "e0", "up");

        for (int i = 0; i < hostCount; i++) {
            int octet = FIRST_HOST_OCTET + i;
            String name = "h" + octet;
            String ns = prefix + "-" + name;
            String mac = macFor(octet);
            String v6 = ipv6 ? V6_PREFIX + octet : null;
            addEndpoint(name, ns, mac);
            if (ipv6) {
                sysctl(ns, "net.ipv6.conf.e0.accept_dad=0");
                sysctl(ns, "net.ipv6.conf.e0.keep_addr_on_down=1");
                ip("-n", ns, "addr", "add", v6 + "/64", "dev", "e0", "nodad");
            }
            ip("-n", ns, "addr", "add", V4_PREFIX + octet + "/24", "dev", "e0");
            ip("-n", ns, "link", "set", "e0", "up");
            hostsByNamespace.put(ns, new LabHost(name, ns, V4_PREFIX + octet, mac, v6));
        }

        // the scanner: this machine's root namespace, through a veth pair whose other end is on br0
        checkOpen();
        rootLinkCreated = true; // set first: a half-made pair is deleted on close too
        ip("link", "add", rootLink, "address", SCANNER_MAC, "type", "veth", "peer", "name", "scan", "netns", br);
        ip("-n", br, "link", "set", "scan", "master", "br0");
        ip("-n", br, "link", "set", "scan", "up");
        if (ipv6) {
            sysctl(null, "net.ipv6.conf." + rootLink + ".accept_dad=0");
            ip("addr", "add", SCANNER_V6 + "/64", "dev", rootLink, "nodad");
        }
        ip("addr", "add", SCANNER_V4 + "/24", "dev", rootLink);
        ip("link", "set", rootLink, "up");
    }

    /** A namespace with lo up and a veth e0 (with the given MAC, still down) whose peer is enslaved to br0. */
    private void addEndpoint(String bridgePort, String ns, String mac) {
        addNamespace(ns);
        String br = bridgeNamespace();
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", br, "link", "add", bridgePort, "type", "veth", "peer", "name", "e0", "netns", ns);
        ip("-n", ns, "link", "set", "e0", "address", mac);
        ip("-n", br, "link", "set", bridgePort, "master", "br0");
        ip("-n", br, "link", "set", bridgePort, "up");
    }

    private void addNamespace(String ns) {
        checkOpen();
        ip("netns", "add", ns);
        namespaces.add(ns);
    }

    /** The deterministic MAC of the host with the given last octet: 02:5f:00:00:00:&lt;octet in hex&gt;. */
    public static String macFor(int octet) {
        return String.format(Locale.ROOT, "02:5f:00:00:00:%02x", octet);
    }

    // ------------------------------------------------------------------------------------------------------------
    // what the lab looks like

    /** The per-run prefix of every namespace ({@code <prefix>-br}, {@code <prefix>-h11}, ...), e.g. sfl3a9c1. */
    public String prefix() {
        return prefix;
    }

    /** The scanner's interface in the root namespace (for {@code masscan -e}, {@code nmap -e}). */
    public String scannerInterface() {
        return rootLink;
    }

    public String scannerAddress() {
        return SCANNER_V4;
    }

    public String scannerMac() {
        return SCANNER_MAC;
    }

    /** The scanner's IPv6 address, or null when the lab has no IPv6. */
    public String scannerIpv6Address() {
        return ipv6 ? SCANNER_V6 : null;
    }

    /** The gateway (for {@code masscan --router-ip}). */
    public String gatewayAddress() {
        return GATEWAY_V4;
    }

    public String gatewayMac() {
        return GATEWAY_MAC;
    }

    public String subnet() {
        return SUBNET_V4;
    }

    public boolean ipv6Enabled() {
        return ipv6;
    }

    public String bridgeNamespace() {
        return prefix + "-br";
    }

    public String gatewayNamespace() {
        return prefix + "-gw";
    }

    /** Every namespace this lab created so far. */
    public List<String> namespaces() {
        synchronized (namespaces) {
            return List.copyOf(namespaces);
        }
    }

    /** The hosts in address order, with their current MACs. */
    public List<LabHost> hosts() {
        synchronized (hostsByNamespace) {
            return List.copyOf(hostsByNamespace.values());
        }
    }

    /** The host with the given index (0 is 198.18.0.11). */
    public LabHost host(int index) {
        return hosts().get(index);
    }

    /** The host with the given IPv4 or IPv6 address. */
    public LabHost hostByAddress(String address) {
        return hosts().stream()
                .filter(h -> h.ipv4().equals(address) || address.equals(h.ipv6()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no lab host has address " + address));
    }

    private LabHost current(LabHost host) {
        LabHost h = hostsByNamespace.get(host.namespace());
        if (h == null) {
            throw new IllegalArgumentException(host + " is not a host of lab " + prefix);
        }
        return h;
    }

    // ------------------------------------------------------------------------------------------------------------
    // host control

    /**
     * Runs {@code ip netns exec <host namespace> argv...} (an argument list, never a shell) in the background;
     * stdout and stderr go to {@link LabProcess#logFile()}. The process is killed by {@link #stopProcess} or by
     * {@link #close()}.
     */
    public LabProcess startProcess(LabHost host, List<String> argv) {
        checkOpen();
        LabHost h = current(host);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        List<String> command = new ArrayList<>(List.of(ip, "netns", "exec", h.namespace()));
        command.addAll(argv);
        Path log = tempDir.resolve(h.name() + "-" + processCounter.incrementAndGet() + ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            LabProcess lp = new LabProcess(this, h, argv, p, log);
            processes.add(lp);
            return lp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Kills the process (SIGTERM, SIGKILL after 3 s) and its descendants. Idempotent. */
    public void stopProcess(LabProcess process) {
        process.kill();
        processes.remove(process);
    }

    /** Runs {@code ip netns exec <host namespace> argv...} and waits for it, at most {@code timeout}. */
    public ExecResult execInHost(LabHost host, List<String> argv, Duration timeout) {
        checkOpen();
        List<String> command = new ArrayList<>(List.of(ip, "netns", "exec", current(host).namespace()));
        command.addAll(argv);
        return exec(command, timeout);
    }

    /** {@code python3 -m http.server PORT --bind <host IPv4>}, serving an empty directory; waits until it listens. */
    public LabProcess startHttpServer(LabHost host, int port) {
        return startHttpServer(host, current(host).ipv4(), port, Tool.PYTHON3.path());
    }

    /**
     * {@code <python> -m http.server PORT --bind ADDR}, serving an empty directory; waits until it listens. A
     * different python executable (e.g. {@code /usr/bin/python3} vs a pyenv one) gives a different Server header.
     */
    public LabProcess startHttpServer(LabHost host, String bindAddress, int port, String python) {
        Path docroot = tempDir.resolve("www-" + current(host).name() + "-" + port);
        try {
            Files.createDirectories(docroot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LabProcess p = startProcess(host, List.of(python, "-m", "http.server", Integer.toString(port),
                "--bind", bindAddress, "--directory", docroot.toString()));
        awaitListening(p, bindAddress, port, Duration.ofSeconds(20));
        return p;
    }

    /** A real OpenSSH sshd on the host's IPv4 address; waits until it listens. */
    public LabProcess startSshd(LabHost host, int port) {
        return startSshd(host, current(host).ipv4(), port, List.of());
    }

    /**
     * {@code /usr/sbin/sshd -D -e -f /dev/null -h <key made by ssh-keygen at test time> -o ListenAddress=ADDR
     * -o Port=PORT -o PidFile=none [extraOptions...]}; waits until it listens. {@code extraOptions} are further
     * {@code sshd} arguments, e.g. {@code List.of("-o", "VersionAddendum=lab")}.
     */
    public LabProcess startSshd(LabHost host, String bindAddress, int port, List<String> extraOptions) {
        checkOpen();
        Path key = sshHostKey();
        try {
            Path privsep = Path.of("/run/sshd"); // Debian's sshd needs its privilege separation directory
            if (!Files.isDirectory(privsep)) {
                Files.createDirectories(privsep, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create /run/sshd", e);
        }
        List<String> argv = new ArrayList<>(List.of(Tool.SSHD.path(), "-D", "-e", "-f", "/dev/null",
                "-h", key.toString(), "-o", "ListenAddress=" + bindAddress, "-o", "Port=" + port,
                "-o", "PidFile=none"));
        argv.addAll(extraOptions);
        LabProcess p = startProcess(host, argv);
        awaitListening(p, bindAddress, port, Duration.ofSeconds(20));
        return p;
    }

    private synchronized Path sshHostKey() {
        if (sshHostKey == null) {
            Path key = tempDir.resolve("ssh_host_ed25519_key");
            exec(List.of(Tool.SSH_KEYGEN.path(), "-q", "-t", "ed25519", "-N", "", "-C", "scanflow-lab",
                    "-f", key.toString()), COMMAND_TIMEOUT).orThrow();
            sshHostKey = key;
        }
        return sshHostKey;
    }

    private void awaitListening(LabProcess p, String address, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p + " exited before listening on " + address + ":" + port
                        + "; output: " + p.output().strip());
            }
            if (canConnect(address, port, Duration.ofMillis(500))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                stopProcess(p);
                throw new IllegalStateException(p + " did not listen on " + address + ":" + port + " within "
                        + timeout + "; output: " + p.output().strip());
            }
            sleep(100);
        }
    }

    /**
     * Waits until a TCP connect from this (root) namespace to address:port succeeds, trying for at most
     * {@code timeout}.
     */
    public static void awaitPort(String address, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!canConnect(address, port, Duration.ofMillis(500))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nothing listens on " + address + ":" + port + " after " + timeout);
            }
            sleep(100);
        }
    }

    /** One TCP connect attempt from this (root) namespace. */
    public static boolean canConnect(String address, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code ip link set e0 down} inside the host: it stops answering (addresses are kept). */
    public void setLinkDown(LabHost host) {
        checkOpen();
        ip("-n", current(host).namespace(), "link", "set", "e0", "down");
    }

    public void setLinkUp(LabHost host) {
        checkOpen();
        ip("-n", current(host).namespace(), "link", "set", "e0", "up");
    }

    /**
     * Gives the host's e0 a new MAC (lower case, colons) and forgets the scanner's neighbour entries for it.
     * Returns the updated host; {@link #hosts()} reflects it too.
     */
    public LabHost changeMac(LabHost host, String mac) {
        checkOpen();
        String m = mac.toLowerCase(Locale.ROOT);
        if (!MAC.matcher(m).matches()) {
            throw new IllegalArgumentException("not a MAC: " + mac);
        }
        LabHost h = current(host);
        ip("-n", h.namespace(), "link", "set", "dev", "e0", "address", m);
        exec(List.of(ip, "neigh", "flush", "to", h.ipv4(), "dev", rootLink), COMMAND_TIMEOUT);
        if (h.hasIpv6()) {
            exec(List.of(ip, "-6", "neigh", "flush", "to", h.ipv6(), "dev", rootLink), COMMAND_TIMEOUT);
        }
        LabHost updated = h.withMac(m);
        hostsByNamespace.put(h.namespace(), updated);
        return updated;
    }

    // ------------------------------------------------------------------------------------------------------------
    // tear-down

    /**
     * Kills every process started in the lab, deletes the root-side veth and every namespace this lab created
     * (also after a half-failed creation), and checks that the root namespace no longer has 198.18.0.3.
     * Idempotent; throws when something could not be removed.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<String> errors = new ArrayList<>();
        try {
            step(errors, "stopping processes", this::stopAllProcesses);
            step(errors, "deleting " + rootLink, () -> {
                if (rootLinkCreated && linkExists(rootLink)) {
                    ExecResult r = exec(List.of(ip, "link", "delete", rootLink), COMMAND_TIMEOUT);
                    if (!r.ok() && linkExists(rootLink)) {
                        errors.add(r.describeFailure());
                    }
                }
            });
            List<String> created = new ArrayList<>(namespaces());
            Collections.reverse(created);
            for (String ns : created) {
                step(errors, "deleting namespace " + ns, () -> {
                    String error = deleteNamespace(ip, ns);
                    if (error != null) {
                        errors.add(error);
                    }
                });
            }
            step(errors, "checking the root namespace", () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (rootLinkCreated && (linkExists(rootLink) || rootHasScannerAddress())) {
                    if (System.nanoTime() > deadline) {
                        errors.add("the root namespace still has " + rootLink + " or " + SCANNER_V4);
                        break;
                    }
                    sleep(100);
                }
            });
            deleteRecursively(tempDir);
        } finally {
            OPEN.remove(this);
            releaseLocks(lockChannel, fileLock);
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("lab " + prefix + " was not cleaned up completely: "
                    + String.join("; ", errors));
        }
    }

    private void stopAllProcesses() {
        List<LabProcess> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
        }
        Collections.reverse(started);
        for (LabProcess p : started) {
            stopProcess(p);
        }
    }

    private static void step(List<String> errors, String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            errors.add(what + ": " + e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Kills whatever still runs in the namespace, then deletes it. Returns an error message or null. */
    private static String deleteNamespace(String ip, String ns) {
        ExecResult pids = exec(List.of(ip, "netns", "pids", ns), COMMAND_TIMEOUT);
        if (pids.ok()) {
            List<ProcessHandle> inside = pids.stdout().lines().map(String::strip).filter(s -> s.matches("\\d+"))
                    .map(Long::parseLong).map(ProcessHandle::of).flatMap(Optional::stream).toList();
            inside.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : inside) {
                try {
                    h.onExit().get(3, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported below if the namespace cannot be deleted
                }
            }
        }
        ExecResult r = exec(List.of(ip, "netns", "delete", ns), COMMAND_TIMEOUT);
        if (!r.ok() && Files.exists(Path.of("/run/netns", ns))) {
            return r.describeFailure();
        }
        return null;
    }

    private boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    private boolean rootHasScannerAddress() {
        ExecResult r = exec(List.of(ip, "-o", "addr", "show", "to", SCANNER_V4 + "/32"), COMMAND_TIMEOUT);
        return !r.stdout().isBlank();
    }

    /** Namespaces and root links of labs whose JVM died without closing them (we hold the lock: none is live). */
    private void removeStaleLabs() {
        ExecResult list = ip("netns", "list");
        for (String line : list.stdout().lines().toList()) {
            String ns = line.strip().split("\\s+")[0];
            if (OWN_NAMESPACE.matcher(ns).matches()) {
                System.err.println("LabNetwork: removing stale lab namespace " + ns);
                String error = deleteNamespace(ip, ns);
                if (error != null) {
                    throw new IllegalStateException("cannot remove stale lab namespace: " + error);
                }
            }
        }
        File[] temps = new File(System.getProperty("java.io.tmpdir")).listFiles(
                f -> f.isDirectory() && f.getName().matches("scanflow-lab-sfl[0-9a-f]{5}-\\d+"));
        if (temps != null) {
            for (File t : temps) {
                deleteRecursively(t.toPath());
            }
        }
        File[] links = new File("/sys/class/net").listFiles();
        if (links != null) {
            for (File link : links) {
                if (OWN_ROOT_LINK.matcher(link.getName()).matches()) {
                    System.err.println("LabNetwork: removing stale lab link " + link.getName());
                    exec(List.of(ip, "link", "delete", link.getName()), COMMAND_TIMEOUT);
                }
            }
        }
    }

    private static void registerShutdownHook() {
        if (HOOK_REGISTERED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (LabNetwork lab : List.copyOf(OPEN)) {
                    try {
                        lab.close();
                    } catch (RuntimeException e) {
                        System.err.println("LabNetwork shutdown hook: " + e.getMessage());
                    }
                }
            }, "LabNetwork-cleanup"));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
    }

    @Override
    public String toString() {
        return "LabNetwork[" + prefix + ", " + hostCount + " hosts" + (ipv6 ? ", IPv6" : "")
                + ", scanner " + rootLink + " " + SCANNER_V4 + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // running commands

    private ExecResult ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ip);
        command.addAll(Arrays.asList(args));
        return exec(command, COMMAND_TIMEOUT).orThrow();
    }

    /** {@code sysctl -qw key=value}, inside the namespace, or in the root namespace when ns is null. */
    private void sysctl(String ns, String assignment) {
        List<String> command = new ArrayList<>();
        if (ns != null) {
            command.addAll(List.of(ip, "netns", "exec", ns));
        }
        command.addAll(List.of(Tool.SYSCTL.path(), "-qw", assignment));
        exec(command, COMMAND_TIMEOUT).orThrow();
    }

    /**
     * Runs a command (an argument list, no shell) and waits at most {@code timeout}; on timeout the process and
     * its descendants are killed and {@link ExecResult#timedOut()} is true. Never throws for a non-zero exit:
     * use {@link ExecResult#orThrow()}.
     */
    public static ExecResult exec(List<String> command, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return new ExecResult(command, 127, "", "cannot start: " + e.getMessage(), false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(p.getInputStream(), out);
        Thread errReader = drain(p.getErrorStream(), err);
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            finished = false;
        }
        String stdout;
        String stderr;
        synchronized (out) {
            stdout = out.toString(StandardCharsets.UTF_8);
        }
        synchronized (err) {
            stderr = err.toString(StandardCharsets.UTF_8);
        }
        return new ExecResult(command, finished ? p.exitValue() : -1, stdout, stderr, !finished);
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process killed
            }
        }, "LabNetwork-exec-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            dev.scanflow.demo.WorkDirectories.deleteTree(dir);
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}

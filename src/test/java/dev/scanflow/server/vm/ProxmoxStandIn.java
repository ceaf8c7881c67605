package dev.scanflow.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Proxmox VE 8 API stand-in over real HTTPS (a certificate made at test time; the client trusts only its
 * PEM), for what cannot run here. It answers with the documented shapes ({"data": ...}, task UPIDs,
 * nextid as a string, 401 without the token, 500 with a message, tasks that end with an error exitstatus or
 * run long) and checks every request against src/test/resources/proxmox/pve8-api-parameters.json: a request
 * the real API would refuse is answered 400 as Proxmox does and recorded in {@link #violations()}, which
 * every test expects empty.
 * <p>
 * Its state is a node "pve1" with template 9000; a clone appears locked at once and is unlocked by its
 * task, a failed or stopped clone task removes it again (as qm clone cleans up), start/stop/delete take effect
 * when their task ends OK.
 */
final class ProxmoxStandIn implements AutoCloseable {

    static final String NODE = "pve1";
    static final int TEMPLATE = 9000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A VM as the stand-in holds it; {@link #snapshot()} compares these whole. */
    record Vm(String node, Map<String, String> config, String status, String lock) {
    }

    private record Endpoint(String method, String template, Pattern path, List<String> pathNames, JsonNode parameters) {
    }

    private final class Task {
        final String upid;
        final String type;
        final int vmid;
        final long endsAt;
        final String exitStatus;
        boolean ended;
        String endedWith;

        Task(String upid, String type, int vmid, Duration duration, String exitStatus) {
            this.upid = upid;
            this.type = type;
            this.vmid = vmid;
            this.endsAt = System.nanoTime() + duration.toNanos();
            this.exitStatus = exitStatus;
        }

        /** Ends the task when its time has come, applying its effect; called under the stand-in's lock. */
        void settle() {
            if (!ended && System.nanoTime() >= endsAt) {
                end(exitStatus);
            }
        }

        void end(String status) {
            ended = true;
            endedWith = status;
            Vm vm = vms.get(vmid);
            boolean ok = status.equals("OK");
            switch (type) {
                case "qmclone" -> {
                    if (ok && vm != null) {
                        vms.put(vmid, new Vm(vm.node(), vm.config(), vm.status(), null));
                    } else if (!ok) {
                        vms.remove(vmid);
                    }
                }
                case "qmconfig", "resize" -> {
                    if (vm != null) {
                        Map<String, String> config = new TreeMap<>(vm.config());
                        if (ok) {
                            config.putAll(pendingConfig.getOrDefault(upid, Map.of()));
                        }
                        vms.put(vmid, new Vm(vm.node(), config, vm.status(), null));
                    }
                }
                case "qmstart" -> {
                    if (vm != null) {
                        vms.put(vmid, new Vm(vm.node(), vm.config(), ok ? "running" : "stopped", null));
                    }
                }
                case "qmstop" -> {
                    if (vm != null && ok) {
                        vms.put(vmid, new Vm(vm.node(), vm.config(), "stopped", null));
                    }
                }
                case "qmdestroy" -> {
                    if (ok) {
                        vms.remove(vmid);
                    }
                }
                default -> {
                }
            }
        }
    }

    private final HttpsServer server;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final Map<Integer, Vm> vms = new TreeMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> pendingConfig = new LinkedHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> failNext = new LinkedHashMap<>();
    private final Map<String, Duration> slowNext = new LinkedHashMap<>();
    /** How long the reply being written waits (a slow answer whose work is already done). */
    private static final ThreadLocal<Duration> REPLY_DELAY = ThreadLocal.withInitial(() -> Duration.ZERO);
    private final Map<String, String> taskErrors = new LinkedHashMap<>();
    private final Map<String, Duration> taskDurations = new LinkedHashMap<>();
    private final String token;
    private final Path caPem;
    private int pid = 0x1000;

    private ProxmoxStandIn(HttpsServer server, String token, Path caPem) throws IOException {
        this.server = server;
        this.token = token;
        this.caPem = caPem;
        try (InputStream in = ProxmoxStandIn.class.getResourceAsStream("/proxmox/pve8-api-parameters.json")) {
            for (JsonNode endpoint : JSON.readTree(in).get("endpoints")) {
                List<String> names = new ArrayList<>();
                Matcher parts = Pattern.compile("\\{(\\w+)}").matcher(endpoint.get("path").asText());
                StringBuilder regex = new StringBuilder("^");
                int last = 0;
                String path = endpoint.get("path").asText();
                while (parts.find()) {
                    regex.append(Pattern.quote(path.substring(last, parts.start()))).append("([^/]+)");
                    names.add(parts.group(1));
                    last = parts.end();
                }
                regex.append(Pattern.quote(path.substring(last))).append("$");
                endpoints.add(new Endpoint(endpoint.get("method").asText(), path, Pattern.compile(regex.toString()), names,
                        endpoint.get("parameters")));
            }
        }
        Map<String, String> template = new TreeMap<>(Map.of("name", "debian-12-tmpl", "template", "1", "cores", "1",
                "memory", "1024", "scsi0", "local-lvm:base-9000-disk-0,size=4G", "ide2", "local-lvm:cloudinit",
                "net0", "virtio=BC:24:11:00:90:00,bridge=vmbr0,firewall=1"));
        vms.put(TEMPLATE, new Vm(NODE, template, "stopped", null));
        server.createContext("/api2/json/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Starts on a free loopback port with a fresh self-signed certificate for 127.0.0.1 in {@code dir}. */
    static ProxmoxStandIn start(Path dir, String token) throws Exception {
        Path keyStore = dir.resolve("pve.p12");
        Path pem = dir.resolve("pve-root-ca.pem");
        String password = java.util.UUID.randomUUID().toString();
        keytool("-genkeypair", "-alias", "pve", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=pve1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "pve", "-keystore", keyStore.toString(), "-storepass", password,
                "-file", pem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return new ProxmoxStandIn(server, token, pem);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    Path caPem() {
        return caPem;
    }

    // --- what a test injects -----------------------------------------------------------------------------

    /** The next request to {@code method path-regex} is answered {@code status} with Proxmox's message. */
    synchronized void failNext(String method, String pathRegex, int status, String message) {
        failNext.put(method + " " + pathRegex, status + " " + message);
    }

    /** The next request to {@code method path-regex} is carried out at once but answered only after {@code delay}. */
    synchronized void slowNext(String method, String pathRegex, Duration delay) {
        slowNext.put(method + " " + pathRegex, delay);
    }

    /** The next task of this type (qmclone, qmconfig, resize, qmstart, qmstop, qmdestroy) ends with this exitstatus. */
    synchronized void taskError(String type, String exitStatus) {
        taskErrors.put(type, exitStatus);
    }

    /** Tasks of this type run this long from now on. */
    synchronized void taskDuration(String type, Duration duration) {
        taskDurations.put(type, duration);
    }

    synchronized void reset() {
        failNext.clear();
        slowNext.clear();
        taskErrors.clear();
        taskDurations.clear();
    }

    // --- what a test reads -------------------------------------------------------------------------------

    /** Every VM, whole, after settling tasks whose time has come. */
    synchronized Map<Integer, Vm> snapshot() {
        tasks.values().forEach(Task::settle);
        Map<Integer, Vm> copy = new TreeMap<>();
        vms.forEach((id, vm) -> copy.put(id, new Vm(vm.node(), new TreeMap<>(vm.config()), vm.status(), vm.lock())));
        return copy;
    }

    synchronized long runningTasks() {
        tasks.values().forEach(Task::settle);
        return tasks.values().stream().filter(t -> !t.ended).count();
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Takes out the violations a test provoked on purpose; true when there was one. */
    boolean expectViolation(String fragment) {
        return violations.removeIf(v -> v.contains(fragment));
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    // --- the API -----------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath().substring("/api2/json".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(method + " " + rawPath);
            if (!("PVEAPIToken=" + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                // Proxmox: "401 No ticket" (or "invalid token value!"), body {"data":null}
                reply(exchange, 401, null, null);
                return;
            }
            Map<String, String> params = new LinkedHashMap<>();
            String query = exchange.getRequestURI().getRawQuery();
            boolean inBody = method.equals("POST") || method.equals("PUT");
            if (inBody && !body.isEmpty()) {
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
                    violation(method + " " + rawPath + ": body sent as " + type + ", not form-encoded");
                    reply(exchange, 400, null, Map.of("body", "form-encoded parameters expected"));
                    return;
                }
                parseForm(body, params, method + " " + rawPath);
            }
            if (query != null) {
                if (inBody) {
                    violation(method + " " + rawPath + ": parameters in the query string of a " + method);
                }
                parseForm(query, params, method + " " + rawPath);
            }
            Endpoint endpoint = null;
            Matcher matcher = null;
            for (Endpoint candidate : endpoints) {
                Matcher m = candidate.path().matcher(rawPath);
                if (candidate.method().equals(method) && m.matches()) {
                    endpoint = candidate;
                    matcher = m;
                    break;
                }
            }
            if (endpoint == null) {
                violation(method + " " + rawPath + ": no such endpoint in the fixture");
                reply(exchange, 501, null, null);
                return;
            }
            for (int i = 0; i < endpoint.pathNames().size(); i++) {
                String name = endpoint.pathNames().get(i);
                if (params.containsKey(name)) {
                    violation(method + " " + rawPath + ": path parameter " + name + " sent again as a parameter");
                }
                params.put(name, URLDecoder.decode(matcher.group(i + 1), StandardCharsets.UTF_8));
            }
            Map<String, String> errors = check(endpoint, params);
            if (!errors.isEmpty()) {
                violation(method + " " + rawPath + ": " + errors);
                reply(exchange, 400, null, errors);
                return;
            }
            synchronized (this) {
                for (Iterator<Map.Entry<String, String>> it = failNext.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, String> failure = it.next();
                    String[] key = failure.getKey().split(" ", 2);
                    if (key[0].equals(method) && rawPath.matches(key[1])) {
                        it.remove();
                        String[] value = failure.getValue().split(" ", 2);
                        reply(exchange, Integer.parseInt(value[0]), value[1], null);
                        return;
                    }
                }
                for (Iterator<Map.Entry<String, Duration>> it = slowNext.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, Duration> slow = it.next();
                    String[] key = slow.getKey().split(" ", 2);
                    if (key[0].equals(method) && rawPath.matches(key[1])) {
                        it.remove();
                        REPLY_DELAY.set(slow.getValue());
                    }
                }
                tasks.values().forEach(Task::settle);
                try {
                    answer(exchange, endpoint, method, params);
                } finally {
                    REPLY_DELAY.remove();
                }
            }
        } catch (RuntimeException e) {
            violation("stand-in failed on " + exchange.getRequestURI() + ": " + e);
        }
    }

    private void answer(HttpExchange exchange, Endpoint endpoint, String method, Map<String, String> p) throws IOException {
        String path = endpoint.template();
        String node = p.get("node");
        if (node != null && !node.equals(NODE)) {
            reply(exchange, 500, "hostname lookup '" + node + "' failed - failed to get address info for: " + node
                    + ": Name or service not known", null);
            return;
        }
        Integer vmid = p.containsKey("vmid") ? Integer.valueOf(p.get("vmid")) : null;
        Vm vm = vmid == null ? null : vms.get(vmid);
        if (path.contains("nextid")) {
            int id = 100;
            while (vms.containsKey(id)) {
                id++;
            }
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(Integer.toString(id)));
            return;
        }
        if (path.equals("/nodes/{node}/tasks")) {
            com.fasterxml.jackson.databind.node.ArrayNode list = JSON.createArrayNode();
            for (Task task : tasks.values()) {
                boolean active = !task.ended;
                if ((vmid == null || task.vmid == vmid) && (!"active".equals(p.get("source")) || active)) {
                    ObjectNode row = list.addObject().put("upid", task.upid).put("node", NODE).put("type", task.type)
                            .put("id", Integer.toString(task.vmid)).put("user", token.substring(0, token.indexOf('=')))
                            .put("starttime", 1_764_000_000);
                    if (!active) {
                        row.put("status", task.endedWith).put("endtime", 1_764_000_001);
                    }
                }
            }
            reply(exchange, 200, null, null, list);
            return;
        }
        if (path.contains("tasks")) {
            Task task = tasks.get(p.get("upid"));
            if (task == null) {
                reply(exchange, 500, "unable to parse worker upid '" + p.get("upid") + "'", null);
                return;
            }
            if (method.equals("DELETE")) {
                if (!task.ended) {
                    task.end("interrupted by signal");
                }
                reply(exchange, 200, null, null, JSON.nullNode());
                return;
            }
            ObjectNode status = JSON.createObjectNode().put("upid", task.upid).put("node", NODE).put("type", task.type)
                    .put("id", Integer.toString(task.vmid)).put("user", token.substring(0, token.indexOf('=')))
                    .put("status", task.ended ? "stopped" : "running").put("pid", 4096).put("starttime", 1_764_000_000);
            if (task.ended) {
                status.put("exitstatus", task.endedWith);
            }
            reply(exchange, 200, null, null, status);
            return;
        }
        if (vm == null) {
            reply(exchange, 500, "Configuration file 'nodes/" + NODE + "/qemu-server/" + vmid + ".conf' does not exist", null);
            return;
        }
        if (path.endsWith("/clone")) {
            int newId = Integer.parseInt(p.get("newid"));
            if (vms.containsKey(newId)) {
                reply(exchange, 500, "unable to create VM " + newId + ": config file already exists", null);
                return;
            }
            Map<String, String> config = new TreeMap<>(vm.config());
            config.remove("template");
            config.put("name", p.getOrDefault("name", "Copy-of-VM-" + vm.config().get("name")));
            if (p.containsKey("description")) {
                config.put("description", p.get("description"));
            }
            config.put("scsi0", "local-lvm:vm-" + newId + "-disk-0,size=4G");
            // a clone gets NICs with new MAC addresses (Proxmox's BC:24:11 prefix)
            config.computeIfPresent("net0", (key, nic) -> nic.replaceFirst("=BC:24:11:[0-9A-F:]{8}",
                    String.format("=BC:24:11:%02X:%02X:%02X", (newId >> 16) & 0xFF, (newId >> 8) & 0xFF, newId & 0xFF)));
            vms.put(newId, new Vm(NODE, config, "stopped", "clone"));
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(task("qmclone", newId)));
            return;
        }
        if (method.equals("GET") && path.endsWith("/config")) {
            ObjectNode config = JSON.createObjectNode();
            vm.config().forEach(config::put);
            if (vm.lock() != null) {
                config.put("lock", vm.lock());
            }
            reply(exchange, 200, null, null, config);
            return;
        }
        if (path.endsWith("/current")) {
            reply(exchange, 200, null, null, JSON.createObjectNode().put("status", vm.status()).put("vmid", vmid)
                    .put("name", vm.config().get("name")).put("qmpstatus", vm.status()));
            return;
        }
        if (vm.lock() != null) {
            reply(exchange, 500, "VM is locked (" + vm.lock() + ")", null);
            return;
        }
        if (vm.config().containsKey("template") && !method.equals("GET")) {
            reply(exchange, 500, "you can't change a template", null);
            return;
        }
        if (method.equals("POST") && path.endsWith("/config")) {
            Map<String, String> changes = new TreeMap<>(p);
            changes.remove("node");
            changes.remove("vmid");
            String upid = task("qmconfig", vmid);
            pendingConfig.put(upid, changes);
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(upid));
            return;
        }
        if (path.endsWith("/resize")) {
            String upid = task("resize", vmid);
            String disk = vm.config().get(p.get("disk"));
            if (disk == null) {
                tasks.get(upid).end("can't find disk '" + p.get("disk") + "'");
            } else {
                pendingConfig.put(upid, Map.of(p.get("disk"), disk.replaceAll("size=[^,]+", "size=" + p.get("size"))));
            }
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(upid));
            return;
        }
        if (path.endsWith("/start")) {
            if (vm.status().equals("running")) {
                reply(exchange, 500, "VM " + vmid + " already running", null);
                return;
            }
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(task("qmstart", vmid)));
            return;
        }
        if (path.endsWith("/stop")) {
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(task("qmstop", vmid)));
            return;
        }
        if (method.equals("DELETE")) {
            if (vm.status().equals("running")) {
                reply(exchange, 500, "VM " + vmid + " is running - destroy failed", null);
                return;
            }
            reply(exchange, 200, null, null, JSON.getNodeFactory().textNode(task("qmdestroy", vmid)));
            return;
        }
        violation("stand-in has no answer for " + method + " " + path);
        reply(exchange, 501, null, null);
    }

    private String task(String type, int vmid) {
        pid++;
        String upid = String.format("UPID:%s:%08X:%08X:%08X:%s:%d:%s:", NODE, pid, 0x1E240 + pid, 0x6929A000 + pid, type, vmid,
                token.substring(0, token.indexOf('=')));
        String error = taskErrors.remove(type);
        Duration duration = taskDurations.getOrDefault(type, Duration.ofMillis(150));
        tasks.put(upid, new Task(upid, type, vmid, duration, error == null ? "OK" : error));
        return upid;
    }

    /** Proxmox's checks of one request against the endpoint's declared parameters. */
    private static Map<String, String> check(Endpoint endpoint, Map<String, String> params) {
        Map<String, String> errors = new TreeMap<>();
        for (String name : params.keySet()) {
            if (!endpoint.parameters().has(name)) {
                errors.put(name, "property is not defined in schema and the schema does not allow additional properties");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = endpoint.parameters().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> declared = it.next();
            String name = declared.getKey();
            JsonNode schema = declared.getValue();
            String value = params.get(name);
            if (value == null) {
                if (!schema.path("optional").asBoolean(false)) {
                    errors.put(name, "property is missing and it is not optional");
                }
                continue;
            }
            String problem = switch (schema.get("type").asText()) {
                case "integer" -> value.matches("-?[0-9]+") ? range(schema, Long.parseLong(value)) : "type check ('integer') failed - got '" + value + "'";
                case "boolean" -> value.matches("0|1|true|false|yes|no|on|off") ? null : "type check ('boolean') failed - got '" + value + "'";
                case "number" -> value.matches("-?[0-9]+(\\.[0-9]+)?") ? null : "type check ('number') failed - got '" + value + "'";
                default -> text(schema, value);
            };
            if (problem != null) {
                errors.put(name, problem);
            }
        }
        return errors;
    }

    private static String range(JsonNode schema, long value) {
        if (schema.has("minimum") && value < schema.get("minimum").asLong()) {
            return "value must have a minimum value of " + schema.get("minimum").asLong();
        }
        if (schema.has("maximum") && value > schema.get("maximum").asLong()) {
            return "value must have a maximum value of " + schema.get("maximum").asLong();
        }
        return null;
    }

    private static String text(JsonNode schema, String value) {
        if (schema.has("maxLength") && value.length() > schema.get("maxLength").asInt()) {
            return "value may only be " + schema.get("maxLength").asInt() + " characters long";
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode option : schema.get("enum")) {
                listed |= option.asText().equals(value);
            }
            if (!listed) {
                return "value '" + value + "' does not have a value in the enumeration " + schema.get("enum");
            }
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value).find()) {
            return "value does not match the regex pattern";
        }
        if ("pve-qm-net".equals(schema.path("format").asText())) {
            return netProblem(value);
        }
        if ("urlencoded".equals(schema.path("format").asText())) {
            // Proxmox uri_unescapes sshkeys and then checks each line as an OpenSSH public key
            if (value.matches(".*[\\s+].*")) {
                return "invalid urlencoded string: " + value;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "invalid urlencoded string: " + value;
            }
            for (String line : decoded.split("\n")) {
                if (!line.matches("(ssh-\\S+|ecdsa-\\S+|sk-\\S+) [A-Za-z0-9+/]+=*( .*)?")) {
                    return "unable to parse ssh key '" + line + "'";
                }
            }
        }
        return null;
    }

    private static final Set<String> NIC_MODELS = Set.of("e1000", "e1000e", "rtl8139", "virtio", "vmxnet3");
    private static final Set<String> NIC_OPTIONS = Set.of("model", "bridge", "firewall", "link_down", "macaddr", "mtu", "queues",
            "rate", "tag", "trunks");

    /**
     * Proxmox's pve-qm-net property string: a model (as "model=" or as "&lt;model&gt;=&lt;mac&gt;"), known keys only,
     * {@code tag=<integer> (1 - 4094)} as the API viewer documents it; answered as Proxmox words a format error.
     */
    private static String netProblem(String value) {
        boolean model = false;
        for (String part : value.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "model" : part.substring(0, eq);
            String option = eq < 0 ? part : part.substring(eq + 1);
            if (NIC_MODELS.contains(key) || key.equals("model")) {
                if (model || !NIC_MODELS.contains(key.equals("model") ? option : key)) {
                    return "invalid format - format error\nnet0.model: value '" + option + "' does not have a value in the enumeration";
                }
                model = true;
            } else if (!NIC_OPTIONS.contains(key)) {
                return "invalid format - format error\nnet0." + key + ": property is not defined in schema";
            } else if (key.equals("tag")) {
                if (!option.matches("-?[0-9]+")) {
                    return "invalid format - format error\nnet0.tag: type check ('integer') failed - got '" + option + "'";
                }
                long tag = Long.parseLong(option);
                if (tag < 1) {
                    return "invalid format - format error\nnet0.tag: value must have a minimum value of 1";
                }
                if (tag > 4094) {
                    return "invalid format - format error\nnet0.tag: value must have a maximum value of 4094";
                }
            }
        }
        return model ? null : "invalid format - format error\nnet0.model: property is missing and it is not optional";
    }

    private void parseForm(String form, Map<String, String> into, String where) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (into.put(name, value) != null) {
                violation(where + ": parameter " + name + " sent twice");
            }
        }
    }

    private void violation(String text) {
        violations.add(text);
    }

    private static void reply(HttpExchange exchange, int status, String message, Map<String, String> errors) throws IOException {
        reply(exchange, status, message, errors, JSON.nullNode());
    }

    private static void reply(HttpExchange exchange, int status, String message, Map<String, String> errors, JsonNode data)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        if (message != null) {
            body.put("message", message + "\n");
        }
        if (errors != null && !errors.isEmpty()) {
            ObjectNode e = body.putObject("errors");
            errors.forEach(e::put);
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        Duration delay = REPLY_DELAY.get();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

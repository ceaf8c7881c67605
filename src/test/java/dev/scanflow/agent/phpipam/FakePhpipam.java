package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.scanflow.config.SettingsSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A phpIPAM 1.8.2 API as docs/phpipam.md §3 describes it, on 127.0.0.1 and a free port, in the test JVM:
 * the request checks in phpIPAM's order (§3.2: 503 "API server disabled", 400 "Invalid application id",
 * 503 "Application disabled", 503 "SSL connection is required for API", 401 "Unauthorized" with
 * {@code Location: /api//user/}, 403 "Invalid token"), the envelope in reorder_result()'s key order (§3.3),
 * pretty URLs, {@code filter_by} after the whole fetch with PHP's loose full match and 404 "No results (filter
 * applied)" (§3.5), the remapped keys {@code ip}/{@code tag}/{@code deviceId} (§3.6), folders removed from the
 * subnets controller, 404 "No addresses found" and "No slaves" (§3.4), and every row value as a string when
 * phpIPAM stringifies (§3.2 item 7: config {@link #stringify} or header {@code api-stringify-results: 1}).
 *
 * <p>Rows are kept in the API's shape: PHP 8.2 native ints, {@code mask} a string, {@code subnet} dotted.
 */
final class FakePhpipam implements AutoCloseable {

    static final String APP_ID = "scanflow";
    static final String APP_CODE = "Qw7_eR9tYu1-iO3pAs5dF7gH9jK1lZ3x";
    /** The code of another ssl_code app in the same phpIPAM: phpIPAM answers 403 "Invalid token". */
    static final String OTHER_APP_CODE = "Mn2bV4cX6zL8kJ0hG2fD4sA6pO8iU0yT";
    static final String AGENT_CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // headers and body go out in separate writes: without TCP_NODELAY each answer waits ~40 ms for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final List<Map<String, Object>> scanAgents = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> subnets = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> addresses = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> nameservers = new CopyOnWriteArrayList<>();

    /** settings.api */
    volatile boolean apiEnabled = true;
    /** api.app_permissions != 0 */
    volatile boolean appEnabled = true;
    /** force phpIPAM's 503 "SSL connection is required for API" (a plain-HTTP server answers it by itself) */
    volatile boolean sslRequired = false;
    /** api.app_code as phpIPAM holds it now: change it to revoke the code the agent has */
    volatile String appCode = APP_CODE;
    /** api.app_security: ssl_code, ssl_token or none */
    volatile String security = "ssl_code";
    /** phpIPAM users for the user-token modes: name → password */
    final Map<String, String> users = new java.util.concurrent.ConcurrentHashMap<>();
    /** how long a user token lives, extended on use (phpIPAM: 21600 s) */
    volatile Duration tokenLifetime = Duration.ofSeconds(21600);
    /** phpIPAM's PHP time zone, in which it writes a token's expires */
    volatile java.time.ZoneId phpZone = java.time.ZoneOffset.UTC;
    /** user tokens phpIPAM holds: token → valid until */
    final Map<String, java.time.Instant> userTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> logins = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    /** config.php $api_stringify_results */
    volatile boolean stringify = false;
    /** phpIPAM 1.8 drops folders from the subnets controller's answers; older versions did not */
    volatile boolean removeFolders = true;
    /** answer everything with this status and an HTML page, as a proxy in front of a dead phpIPAM does */
    volatile int proxyStatus = 0;
    /** wait this long before answering */
    volatile Duration delay = Duration.ZERO;

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Path caPem;

    private final ExecutorService handlers = Executors.newCachedThreadPool();

    private FakePhpipam(HttpServer server, Path caPem) {
        this.server = server;
        this.caPem = caPem;
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    private static TestCertificate shared;

    /** One certificate for 127.0.0.1 for every HTTPS stand-in of this JVM (keytool takes a second). */
    private static synchronized TestCertificate sharedCertificate() throws IOException {
        if (shared == null) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("fake-phpipam-tls");
                dir.toFile().deleteOnExit();
                shared = TestCertificate.selfSigned(dir, "phpipam", "ip:127.0.0.1");
                shared.keyStore().toFile().deleteOnExit();
                shared.pem().toFile().deleteOnExit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return shared;
    }

    /** phpIPAM over HTTPS, as a real installation serves its API; {@link #settings} trusts its certificate. */
    static FakePhpipam start() throws IOException {
        TestCertificate certificate = sharedCertificate();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try {
            server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        } catch (Exception e) {
            throw new IOException(e);
        }
        return new FakePhpipam(server, certificate.pem());
    }

    /** phpIPAM over plain HTTP: its SSL modes answer every request 503 "SSL connection is required for API". */
    static FakePhpipam startPlainHttp() throws IOException {
        return new FakePhpipam(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), null);
    }

    static FakePhpipam startHttps(HttpsConfigurator tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(tls);
        return new FakePhpipam(server, null);
    }

    /** A user for the user-token modes, and the app switched to one of them. */
    FakePhpipam userTokenApp(String appSecurity, String user, String password) {
        security = appSecurity;
        users.put(user, password);
        return this;
    }

    /** The user name of every POST /api/{app}/user/ so far, successful or not. */
    List<String> logins() {
        return List.copyOf(logins);
    }

    /** The HTTP status of every answer so far. */
    List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    /** phpIPAM's base URL, e.g. http://127.0.0.1:41234 */
    URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every request so far, as path?query (raw). */
    List<String> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    /** The token header of every request so far. */
    List<String> tokens() {
        return List.copyOf(tokens);
    }

    @Override
    public void close() {
        handlers.shutdownNow(); // ends a delayed answer at once
        server.stop(0);
    }

    /** The agent's settings for this server, read through SettingsSource as in production. */
    PhpipamApiSettings settings(Path home, String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty(PhpipamApiSettings.URL, url().toString());
        properties.setProperty(PhpipamApiSettings.APP_ID, APP_ID);
        if (security.equals("ssl_code")) {
            properties.setProperty(PhpipamApiSettings.APP_CODE, APP_CODE);
        } else {
            properties.setProperty(PhpipamApiSettings.SECURITY, security);
            Map.Entry<String, String> user = users.entrySet().iterator().next();
            properties.setProperty(PhpipamApiSettings.USER, user.getKey());
            properties.setProperty(PhpipamApiSettings.PASSWORD, user.getValue());
            properties.setProperty(PhpipamApiSettings.TIME_ZONE, phpZone.getId());
        }
        properties.setProperty(PhpipamApiSettings.AGENT_CODE, AGENT_CODE);
        properties.setProperty(PhpipamApiSettings.TIMEOUT, "5s");
        if (caPem != null) {
            properties.setProperty(PhpipamApiSettings.CA_FILE, caPem.toString());
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                properties.remove(keyValues[i]);
            } else {
                properties.setProperty(keyValues[i], keyValues[i + 1]);
            }
        }
        return PhpipamApiSettings.from(SettingsSource.of(properties), home);
    }

    // ---- rows, in the API's key order (docs/phpipam.md §3.4, §3.6) ----

    Map<String, Object> agent(int id, String name, String type, String code) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("description", "Scan agent " + name);
        row.put("type", type);
        row.put("code", code);
        row.put("last_access", null);
        scanAgents.add(row);
        return row;
    }

    /** A subnet as the list call returns it; every flag 0, no agent, section 1, master 0. */
    Map<String, Object> subnet(int id, String subnet, String mask) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("subnet", subnet);
        row.put("mask", mask);
        row.put("sectionId", subnet.contains(":") ? 2 : 1);
        row.put("description", "subnet " + id);
        row.put("linked_subnet", null);
        row.put("firewallAddressObject", null);
        row.put("vrfId", null);
        row.put("masterSubnetId", 0);
        row.put("allowRequests", 0);
        row.put("vlanId", null);
        row.put("showName", 0);
        row.put("device", 0);
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("group_id", 3);
        group.put("permission", "1");
        group.put("name", "Guests");
        group.put("desc", "default Guest group (viewers)");
        row.put("permissions", List.of(group));
        row.put("pingSubnet", 0);
        row.put("discoverSubnet", 0);
        row.put("resolveDNS", 0);
        row.put("DNSrecursive", 0);
        row.put("DNSrecords", 0);
        row.put("nameserverId", 0);
        row.put("scanAgent", null);
        row.put("customer_id", null);
        row.put("isFolder", 0);
        row.put("isFull", 0);
        row.put("isPool", 0);
        row.put("tag", 2);
        row.put("threshold", 0);
        row.put("location", null);
        row.put("editDate", null);
        row.put("lastScan", null);
        row.put("lastDiscovery", null);
        subnets.add(row);
        return row;
    }

    /** A folder: subnet '0' (dotted by the API), mask ''. */
    Map<String, Object> folder(int id, String name) {
        Map<String, Object> row = subnet(id, "0.0.0.0", "");
        row.put("description", name);
        row.put("isFolder", 1);
        return row;
    }

    /** An address exactly as docs/phpipam.md §3.6 shows one. */
    Map<String, Object> address(int id, int subnetId, String ip, String hostname) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("subnetId", subnetId);
        row.put("ip", ip);
        row.put("is_gateway", 0);
        row.put("description", "host " + id);
        row.put("hostname", hostname);
        row.put("mac", null);
        row.put("owner", null);
        row.put("tag", 2);
        row.put("deviceId", null);
        row.put("location", null);
        row.put("port", null);
        row.put("note", null);
        row.put("lastSeen", "1970-01-01 00:00:01");
        row.put("excludePing", 0);
        row.put("PTRignore", 0);
        row.put("PTR", 0);
        row.put("firewallAddressObject", null);
        row.put("editDate", null);
        row.put("customer_id", null);
        addresses.add(row);
        return row;
    }

    Map<String, Object> nameserver(int id, String name, String namesrv1) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("namesrv1", namesrv1);
        row.put("description", "nameservers " + name);
        row.put("sections", "1;2");
        row.put("editDate", null);
        nameservers.add(row);
        return row;
    }

    /**
     * phpIPAM's default rows where they matter (docs/phpipam.md §1.3, §1.10) plus what a site with a remote
     * agent has: agent 2 "remote1" with {@link #AGENT_CODE}, agent 3 "remote2", and these subnets:
     * <pre>
     *  1 fd13:6d20:29dc:cf27::/64  agent 2, ping+discover          → scanned (IPv6), one address
     *  2 10.10.0.0/16              agent 2, ping                   → parent of 3 and 4: skipped
     *  3 10.10.1.0/24 (master 2)   agent 2, ping, resolveDNS, ns 1 → status check of 1–4, 3 excluded from ping
     *  4 10.10.2.0/24 (master 2)   agent 3                          → not this agent's
     *  5 folder "My folder"                                          → dropped by phpIPAM
     *  6 10.65.22.0/24 (master 5)  no agent
     *  7 10.20.0.0/16              agent 2, discover               → its only child 8 is agent 3's: skipped
     *  8 10.20.1.0/24 (master 7)   agent 3, discover
     *  9 10.30.5.0/24              agent 2, discover               → sweep; "No addresses found"
     * 10 10.40.0.0/24              agent 2, resolveDNS only        → nothing to do: skipped
     * 11 0.0.0.0/0                 agent 2, ping                   → mask 0: skipped
     * </pre>
     */
    FakePhpipam documentedSite() {
        agent(1, "localhost", "direct", null);
        agent(2, "remote1", "mysql", AGENT_CODE);
        agent(3, "remote2", "mysql", "Zz9yX8wV7uT6sR5qP4oN3mL2kJ1iH0g-");
        Map<String, Object> v6 = subnet(1, "fd13:6d20:29dc:cf27::", "64");
        v6.put("scanAgent", 2);
        v6.put("pingSubnet", 1);
        v6.put("discoverSubnet", 1);
        Map<String, Object> parent = subnet(2, "10.10.0.0", "16");
        parent.put("scanAgent", 2);
        parent.put("pingSubnet", 1);
        Map<String, Object> customers = subnet(3, "10.10.1.0", "24");
        customers.put("masterSubnetId", 2);
        customers.put("scanAgent", 2);
        customers.put("pingSubnet", 1);
        customers.put("resolveDNS", 1);
        customers.put("nameserverId", 1);
        Map<String, Object> other = subnet(4, "10.10.2.0", "24");
        other.put("masterSubnetId", 2);
        other.put("scanAgent", 3);
        other.put("pingSubnet", 1);
        folder(5, "My folder");
        Map<String, Object> dhcp = subnet(6, "10.65.22.0", "24");
        dhcp.put("masterSubnetId", 5);
        Map<String, Object> parentOfOthers = subnet(7, "10.20.0.0", "16");
        parentOfOthers.put("scanAgent", 2);
        parentOfOthers.put("discoverSubnet", 1);
        Map<String, Object> othersChild = subnet(8, "10.20.1.0", "24");
        othersChild.put("masterSubnetId", 7);
        othersChild.put("scanAgent", 3);
        othersChild.put("discoverSubnet", 1);
        Map<String, Object> empty = subnet(9, "10.30.5.0", "24");
        empty.put("scanAgent", 2);
        empty.put("discoverSubnet", 1);
        Map<String, Object> dnsOnly = subnet(10, "10.40.0.0", "24");
        dnsOnly.put("scanAgent", 2);
        dnsOnly.put("resolveDNS", 1);
        Map<String, Object> everything = subnet(11, "0.0.0.0", "0");
        everything.put("scanAgent", 2);
        everything.put("pingSubnet", 1);

        address(1, 3, "10.10.1.3", "server1.cust1.local");
        address(2, 3, "10.10.1.4", "");
        Map<String, Object> excluded = address(3, 3, "10.10.1.5", null);
        excluded.put("excludePing", 1);
        excluded.put("tag", 3);
        Map<String, Object> reserved = address(4, 3, "10.10.1.6", null);
        reserved.put("tag", 3);
        address(5, 4, "10.10.2.254", "gw");
        address(6, 1, "fd13:6d20:29dc:cf27::10", "v6host");
        nameserver(1, "Google NS", "8.8.8.8;8.8.4.4");
        return this;
    }

    // ---- the API ----

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String rawQuery = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getRawPath();
            requests.add(rawQuery == null ? path : path + "?" + rawQuery);
            String token = token(exchange.getRequestHeaders());
            tokens.add(String.valueOf(token));
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (proxyStatus != 0) {
                send(exchange, proxyStatus, "text/html",
                        "<html><body><h1>" + proxyStatus + " Bad Gateway</h1></body></html>");
                return;
            }
            if (!path.startsWith("/api/")) {
                send(exchange, 404, "text/html", "<html><body><h1>Not Found</h1></body></html>");
                return;
            }
            List<String> segments = new ArrayList<>(List.of(path.substring("/api/".length()).split("/")));
            segments.removeIf(String::isEmpty);
            Map<String, String> query = query(rawQuery);
            if (!apiEnabled) {
                error(exchange, 503, "API server disabled");
            } else if (segments.isEmpty() || !segments.get(0).equals(APP_ID)) {
                error(exchange, 400, "Invalid application id");
            } else if (!appEnabled) {
                error(exchange, 503, "Application disabled");
            } else if (sslRequired || !security.equals("none") && !(server instanceof HttpsServer)) {
                // phpIPAM's isHttps(): ssl_code and ssl_token apps refuse plain HTTP
                error(exchange, 503, "SSL connection is required for API");
            } else if (!security.equals("ssl_code")) {
                userTokenApp(exchange, segments, query, token);
            } else if (token == null || !token.equals(appCode) && !token.equals(OTHER_APP_CODE)) {
                exchange.getResponseHeaders().add("Location", "/api//user/");
                error(exchange, 401, "Unauthorized");
            } else if (token.equals(OTHER_APP_CODE)) {
                error(exchange, 403, "Invalid token");
            } else {
                boolean asStrings = stringify || "1".equals(exchange.getRequestHeaders().getFirst("api-stringify-results"));
                route(exchange, segments.subList(1, segments.size()), query, asStrings);
            }
        } finally {
            exchange.close();
        }
    }

    /** ssl_token and none: POST user/ with Basic gives a token; every other call needs a live one (extended on use). */
    private void userTokenApp(HttpExchange exchange, List<String> segments, Map<String, String> query, String token)
            throws IOException {
        java.time.Instant now = java.time.Instant.now();
        if (segments.size() == 2 && segments.get(1).equals("user") && exchange.getRequestMethod().equals("POST")) {
            String[] basic = basic(exchange.getRequestHeaders().getFirst("Authorization"));
            logins.add(basic == null ? "" : basic[0]);
            if (basic == null || !basic[1].equals(users.get(basic[0]))) {
                error(exchange, 401, "Invalid username or password");
                return;
            }
            String issued = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
            java.time.Instant until = now.plus(tokenLifetime);
            userTokens.put(issued, until);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("token", issued);
            data.put("expires", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .format(until.atZone(phpZone)));
            ok(exchange, data);
            return;
        }
        java.time.Instant until = token == null ? null : userTokens.get(token);
        if (until == null || !now.isBefore(until)) {
            if (until != null) {
                userTokens.remove(token);
            }
            exchange.getResponseHeaders().add("Location", "/api//user/");
            error(exchange, 401, until == null ? "Unauthorized" : "Token expired");
            return;
        }
        userTokens.put(token, now.plus(tokenLifetime));
        boolean asStrings = stringify || "1".equals(exchange.getRequestHeaders().getFirst("api-stringify-results"));
        route(exchange, segments.subList(1, segments.size()), query, asStrings);
    }

    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private void route(HttpExchange exchange, List<String> route, Map<String, String> query, boolean asStrings)
            throws IOException {
        String joined = String.join("/", route);
        if (joined.equals("tools/scanagents")) {
            list(exchange, scanAgents, query, false, "No results", asStrings);
        } else if (joined.equals("subnets")) {
            list(exchange, subnets, query, true, "No subnets found", asStrings);
        } else if (route.size() == 3 && route.get(0).equals("subnets") && route.get(2).equals("addresses")) {
            String id = route.get(1);
            list(exchange, matching(addresses, row -> id.equals(String.valueOf(row.get("subnetId")))), query, false,
                    "No addresses found", asStrings);
        } else if (route.size() == 3 && route.get(0).equals("subnets") && route.get(2).equals("slaves")) {
            String id = route.get(1);
            list(exchange, matching(subnets, row -> id.equals(String.valueOf(row.get("masterSubnetId")))), query, true,
                    "No slaves", asStrings);
        } else if (route.size() == 3 && route.get(0).equals("tools") && route.get(1).equals("nameservers")) {
            String id = route.get(2);
            List<Map<String, Object>> found = matching(nameservers, row -> id.equals(String.valueOf(row.get("id"))));
            if (found.isEmpty()) {
                error(exchange, 404, "No results");
            } else {
                ok(exchange, values(found.get(0), asStrings));
            }
        } else {
            error(exchange, 400, "Invalid controller");
        }
    }

    private void list(HttpExchange exchange, List<Map<String, Object>> rows, Map<String, String> query,
                      boolean subnetsController, String empty, boolean asStrings) throws IOException {
        List<Map<String, Object>> result = new ArrayList<>(rows);
        if (result.isEmpty()) {
            error(exchange, 404, empty);
            return;
        }
        String filterBy = query.get("filter_by");
        if (filterBy != null) {
            String filterValue = query.get("filter_value");
            if (filterValue == null) {
                error(exchange, 400, "Missing filter_value");
                return;
            }
            if (!result.get(0).containsKey(filterBy)) {
                error(exchange, 400, "Invalid filter_by");
                return;
            }
            result.removeIf(row -> !looselyEqual(row.get(filterBy), filterValue));
            if (result.isEmpty()) {
                error(exchange, 404, "No results (filter applied)");
                return;
            }
        }
        if (subnetsController && removeFolders) {
            result.removeIf(row -> "1".equals(String.valueOf(row.get("isFolder"))));
            if (result.isEmpty()) {
                error(exchange, 404, "No subnets found");
                return;
            }
        }
        List<Object> data = new ArrayList<>();
        for (Map<String, Object> row : result) {
            data.add(values(row, asStrings));
        }
        ok(exchange, data);
    }

    /** PHP's loose != for the values phpIPAM compares: numbers numerically, null as "". */
    private static boolean looselyEqual(Object value, String filterValue) {
        if (value == null) {
            return filterValue.isEmpty();
        }
        if (value instanceof Number number && filterValue.matches("-?\\d+")) {
            return number.longValue() == Long.parseLong(filterValue);
        }
        return String.valueOf(value).equals(filterValue);
    }

    /** With stringify, every scalar row value becomes a string (nulls stay null). */
    private static Object values(Map<String, Object> row, boolean asStrings) {
        if (!asStrings) {
            return row;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        row.forEach((key, value) -> copy.put(key, value instanceof Number ? value.toString() : value));
        return copy;
    }

    private static List<Map<String, Object>> matching(List<Map<String, Object>> rows, Predicate<Map<String, Object>> test) {
        return rows.stream().filter(test).toList();
    }

    private void ok(HttpExchange exchange, Object data) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("code", 200);
        envelope.put("success", true);
        envelope.put("data", data);
        envelope.put("time", 0.005);
        send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(envelope));
    }

    private void error(HttpExchange exchange, int code, String message) throws IOException {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("code", code);
        envelope.put("success", false);
        envelope.put("message", message);
        envelope.put("time", 0.004);
        send(exchange, code, "application/json; charset=utf-8", JSON.writeValueAsString(envelope));
    }

    private void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        statuses.add(status);
        sendBytes(exchange, status, contentType, body);
    }

    private static void sendBytes(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.getResponseHeaders().add("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String token(Headers headers) {
        String token = headers.getFirst("token");
        return token != null ? token : headers.getFirst("phpipam-token");
    }

    private static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }
}

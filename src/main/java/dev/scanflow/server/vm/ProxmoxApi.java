package dev.scanflow.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The few Proxmox VE 8 API calls VM provisioning makes, over HTTPS with an API token
 * ({@code Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET}; a token needs no CSRF ticket). Parameters
 * go form-encoded (query string for GET and DELETE); answers are {@code {"data": ...}}. The token is never
 * part of a message or log line.
 */
public class ProxmoxApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    public ProxmoxApi(VmSettings settings) {
        this.base = URI.create(settings.proxmoxUrl() + "/api2/json");
        this.authorization = "PVEAPIToken=" + settings.token();
        this.timeout = settings.httpTimeout();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.httpTimeout());
        if (settings.caFile() != null) {
            builder.sslContext(dev.scanflow.tls.Pem.trustOnly(settings.caFile(), "scanflow.vm.proxmox.ca-file"));
        }
        this.http = builder.build();
    }

    /** GET /cluster/nextid: a free VM id now (reserves nothing); Proxmox 8 sends it as a string. */
    public int nextId() {
        JsonNode data = call("GET", "/cluster/nextid", Map.of());
        try {
            return Integer.parseInt(data.asText());
        } catch (NumberFormatException e) {
            throw new ProxmoxError(502, "GET /cluster/nextid answered " + data + ", not a VM id");
        }
    }

    /** POST /nodes/{node}/qemu/{template}/clone; returns the task's UPID. */
    public String cloneVm(String node, int template, int newId, String name, String description, boolean full,
                          String storage) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("newid", Integer.toString(newId));
        form.put("name", name);
        form.put("description", description);
        form.put("full", full ? "1" : "0");
        if (storage != null && full) {
            form.put("storage", storage);
        }
        return upid(call("POST", "/nodes/" + segment(node) + "/qemu/" + template + "/clone", form));
    }

    /** POST /nodes/{node}/qemu/{vmid}/config (the asynchronous form); returns the task's UPID. */
    public String configure(String node, int vmid, Map<String, String> config) {
        return upid(call("POST", vmPath(node, vmid) + "/config", config));
    }

    /** PUT /nodes/{node}/qemu/{vmid}/resize; Proxmox 8 answers a UPID (7 answered null: then there is nothing to await). */
    public String resize(String node, int vmid, String disk, String size) {
        JsonNode data = call("PUT", vmPath(node, vmid) + "/resize", Map.of("disk", disk, "size", size));
        return data.isTextual() ? data.asText() : null;
    }

    public String start(String node, int vmid) {
        return upid(call("POST", vmPath(node, vmid) + "/status/start", Map.of()));
    }

    public String stop(String node, int vmid) {
        return upid(call("POST", vmPath(node, vmid) + "/status/stop", Map.of()));
    }

    /** DELETE /nodes/{node}/qemu/{vmid} with its disks and every reference to it (backup jobs, HA, replication). */
    public String delete(String node, int vmid) {
        return upid(call("DELETE", vmPath(node, vmid), Map.of("purge", "1", "destroy-unreferenced-disks", "1")));
    }

    /** GET /nodes/{node}/qemu/{vmid}/config, or null when the VM does not exist. */
    public JsonNode vmConfig(String node, int vmid) {
        try {
            return call("GET", vmPath(node, vmid) + "/config", Map.of());
        } catch (ProxmoxError e) {
            if (e.status() == 500 && e.getMessage().contains("does not exist")) {
                return null;
            }
            throw e;
        }
    }

    /** "running" or "stopped". */
    public String vmStatus(String node, int vmid) {
        return call("GET", vmPath(node, vmid) + "/status/current", Map.of()).path("status").asText();
    }

    public ProxmoxTask task(String node, String upid) {
        JsonNode data = call("GET", "/nodes/" + segment(node) + "/tasks/" + segment(upid) + "/status", Map.of());
        return new ProxmoxTask(data.path("status").asText(null), data.hasNonNull("exitstatus") ? data.get("exitstatus").asText() : null);
    }

    /**
     * GET /nodes/{node}/tasks?vmid=&source=active: the UPIDs of the VM's running tasks, for a rollback that
     * must stop a task whose UPID a killed server never got to record.
     */
    public java.util.List<String> activeTasks(String node, int vmid) {
        java.util.List<String> upids = new java.util.ArrayList<>();
        for (JsonNode task : call("GET", "/nodes/" + segment(node) + "/tasks",
                Map.of("vmid", Integer.toString(vmid), "source", "active"))) {
            if (task.hasNonNull("upid") && !task.hasNonNull("endtime")) {
                upids.add(task.get("upid").asText());
            }
        }
        return upids;
    }

    /** DELETE /nodes/{node}/tasks/{upid}: stops a running task. */
    public void stopTask(String node, String upid) {
        call("DELETE", "/nodes/" + segment(node) + "/tasks/" + segment(upid), Map.of());
    }

    private static String vmPath(String node, int vmid) {
        return "/nodes/" + segment(node) + "/qemu/" + vmid;
    }

    private static String upid(JsonNode data) {
        if (!data.isTextual() || !data.asText().startsWith("UPID:")) {
            throw new ProxmoxError(502, "Proxmox answered " + data + " where a task UPID was expected");
        }
        return data.asText();
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, Map<String, String> parameters) {
        String form = parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        boolean inBody = method.equals("POST") || method.equals("PUT");
        URI uri = URI.create(base + path + (!inBody && !form.isEmpty() ? "?" + form : ""));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", authorization);
        if (inBody) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProxmoxError(0, method + " " + path + ": Proxmox not reachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxmoxError(0, method + " " + path + ": interrupted");
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new ProxmoxError(401, method + " " + path + ": Proxmox refused the API token (401)");
        }
        if (status != 200) {
            StringBuilder message = new StringBuilder(method + " " + path + ": Proxmox answered " + status);
            if (body.hasNonNull("message")) {
                message.append(": ").append(body.get("message").asText().strip());
            }
            if (body.has("errors")) {
                message.append(" ").append(body.get("errors"));
            }
            throw new ProxmoxError(status, message.toString());
        }
        return body.path("data");
    }
}

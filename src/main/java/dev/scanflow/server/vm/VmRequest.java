package dev.scanflow.server.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scanflow.server.api.ApiError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What POST /api/v1/vms asks for, checked field by field against what Proxmox and cloud-init accept, so a
 * bad request is a 400 naming the field before anything is reserved.
 *
 * @param subnet   phpIPAM subnet id ("7") or CIDR ("203.0.113.0/24")
 * @param name     the VM's name and the address's hostname: a DNS name, as Proxmox's "name" requires
 * @param node     the Proxmox node the template lives on and the VM is made on
 * @param template the template's VM id
 * @param cores    CPU cores, 1..512
 * @param memory   MiB, 64..4194304
 * @param diskGb   the size the template's disk is grown to, GiB; null keeps the template's size
 * @param sshKeys  OpenSSH public keys for cloud-init, one line each, at least one
 */
public record VmRequest(String subnet, String name, String node, int template, int cores, int memory, Integer diskGb,
                        List<String> sshKeys) {

    private static final Set<String> FIELDS = Set.of("subnet", "name", "node", "template", "cores", "memory", "diskGb", "sshKeys");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
                    + " [A-Za-z0-9+/]+={0,3}( [\\x21-\\x7e][\\x20-\\x7e]{0,200})?");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static VmRequest parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw ApiError.badRequest("the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("the body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiError.badRequest("unknown field '" + field + "'; fields are " + new java.util.TreeSet<>(FIELDS));
            }
        }
        JsonNode subnetNode = root.get("subnet");
        String subnet;
        if (subnetNode != null && subnetNode.canConvertToLong() && subnetNode.isIntegralNumber()) {
            subnet = Long.toString(subnetNode.asLong());
        } else {
            subnet = text(root, "subnet", 64);
        }
        String name = text(root, "name", 63);
        if (!DNS_NAME.matcher(name).matches()) {
            throw ApiError.badRequest("'name' must be a DNS name (letters, digits, '-', '.'), at most 63 characters");
        }
        String node = text(root, "node", 63);
        if (!NODE.matcher(node).matches()) {
            throw ApiError.badRequest("'node' must be a Proxmox node name");
        }
        int template = integer(root, "template", 100, 999_999_999, true);
        int cores = integer(root, "cores", 1, 512, true);
        int memory = integer(root, "memory", 64, 4_194_304, true);
        Integer disk = root.has("diskGb") && !root.get("diskGb").isNull() ? integer(root, "diskGb", 1, 131_072, true) : null;
        JsonNode keys = root.get("sshKeys");
        if (!(keys instanceof ArrayNode array) || array.isEmpty() || array.size() > 32) {
            throw ApiError.badRequest("'sshKeys' must be a list of 1 to 32 OpenSSH public keys");
        }
        List<String> sshKeys = new ArrayList<>();
        for (JsonNode key : array) {
            String line = key.isTextual() ? key.asText().strip() : "";
            if (!SSH_KEY.matcher(line).matches() || line.length() > 16_384) {
                throw ApiError.badRequest("'sshKeys' holds a line that is not one OpenSSH public key (type, base64, comment)");
            }
            sshKeys.add(line);
        }
        return new VmRequest(subnet, name, node, template, cores, memory, disk, List.copyOf(sshKeys));
    }

    private static String text(JsonNode root, String field, int max) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw ApiError.badRequest("'" + field + "' is required and must be a string");
        }
        String value = node.asText().strip();
        if (value.length() > max) {
            throw ApiError.badRequest("'" + field + "' is longer than " + max + " characters");
        }
        return value;
    }

    private static int integer(JsonNode root, String field, int min, int max, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiError.badRequest("'" + field + "' is required and must be a whole number");
        }
        int value = node.asInt();
        if (value < min || value > max) {
            throw ApiError.badRequest("'" + field + "' must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** The canonical JSON form, stored with the job; its hash tells a retried request from a different one. */
    public String json() {
        ObjectNode out = JSON.createObjectNode();
        out.put("subnet", subnet).put("name", name).put("node", node).put("template", template).put("cores", cores)
                .put("memory", memory);
        if (diskGb != null) {
            out.put("diskGb", diskGb);
        } else {
            out.putNull("diskGb");
        }
        ArrayNode keys = out.putArray("sshKeys");
        sshKeys.forEach(keys::add);
        return out.toString();
    }

    public static VmRequest fromJson(String json) {
        return parse(json);
    }
}

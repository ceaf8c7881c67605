package dev.scanflow.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scanflow.config.InvalidSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code scanflow vm create ...}: the same as POST /api/v1/vms, from a shell, against a running server (the
 * job runs there, where its state is durable). It sends an Idempotency-Key (a fresh one unless given), prints
 * the job and the reserved address, then follows the job step by step until it ends. Its own parsing, so it
 * can be hung under any command-line front end.
 */
public final class VmCreateCommand {

    static final String USAGE = """
            usage: scanflow vm create --subnet <id|cidr> --name <dns name> --node <proxmox node> --template <vmid>
                                      --ssh-key <public key file> [--ssh-key <file>]... [--cores 2] [--memory 2048]
                                      [--disk-gb <GiB>] [--server http://127.0.0.1:8080] [--idempotency-key <key>]
                                      [--no-wait]
                   the operator token comes from SCANFLOW_SERVER_API_TOKEN or SCANFLOW_SERVER_API_TOKEN_FILE""";
    private static final Set<String> FLAGS = Set.of("--no-wait");
    private static final Set<String> OPTIONS = Set.of("--subnet", "--name", "--node", "--template", "--ssh-key", "--cores",
            "--memory", "--disk-gb", "--server", "--idempotency-key");
    private static final ObjectMapper JSON = new ObjectMapper();

    private VmCreateCommand() {
    }

    /** Exit code 0: the VM exists; 1: the job failed (rolled back); 2: a usage or connection problem. */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("create")) {
            err.println(USAGE);
            return 2;
        }
        Map<String, List<String>> options = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (FLAGS.contains(arg)) {
                flags.add(arg);
            } else if (OPTIONS.contains(arg) && i + 1 < args.size()) {
                options.computeIfAbsent(arg, k -> new ArrayList<>()).add(args.get(++i));
            } else {
                err.println("scanflow vm: unknown or incomplete option " + arg + "\n" + USAGE);
                return 2;
            }
        }
        ObjectNode body = JSON.createObjectNode();
        try {
            String subnet = required(options, "--subnet");
            if (subnet.matches("[0-9]+")) {
                body.put("subnet", Long.parseLong(subnet));
            } else {
                body.put("subnet", subnet);
            }
            body.put("name", required(options, "--name"));
            body.put("node", required(options, "--node"));
            body.put("template", Integer.parseInt(required(options, "--template")));
            body.put("cores", Integer.parseInt(one(options, "--cores", "2")));
            body.put("memory", Integer.parseInt(one(options, "--memory", "2048")));
            if (options.containsKey("--disk-gb")) {
                body.put("diskGb", Integer.parseInt(one(options, "--disk-gb", null)));
            }
            ArrayNode keys = body.putArray("sshKeys");
            for (String file : options.getOrDefault("--ssh-key", List.of())) {
                for (String line : Files.readAllLines(Path.of(file))) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        keys.add(line.strip());
                    }
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("--ssh-key: at least one public key file is needed");
            }
        } catch (IllegalArgumentException | IOException e) {
            err.println("scanflow vm: " + e.getMessage());
            return 2;
        }
        String key;
        OperatorApiClient api;
        try {
            key = one(options, "--idempotency-key", UUID.randomUUID().toString());
            api = OperatorApiClient.of(one(options, "--server", OperatorApiClient.DEFAULT_SERVER), environment);
        } catch (IllegalArgumentException | InvalidSettings e) {
            err.println("scanflow vm: " + e.getMessage());
            return 2;
        }
        try {
            OperatorApiClient.Answer created = api.post("api/v1/vms", body.toString(), Duration.ofSeconds(60),
                    Map.of("Idempotency-Key", key));
            if (created.status() != 202) {
                err.println("scanflow vm: " + created.status() + " " + created.message());
                return 2;
            }
            JsonNode answer = created.body();
            String jobId = answer.get("jobId").asText();
            out.println("job " + jobId + " (Idempotency-Key " + key + "): " + answer.get("address").asText() + " reserved in "
                    + answer.get("subnet").asText());
            if (flags.contains("--no-wait")) {
                return 0;
            }
            return follow(api, jobId, out);
        } catch (OperatorApiClient.Unreachable e) {
            err.println("scanflow vm: " + e.getMessage() + " (a retry with --idempotency-key " + key + " cannot create a second VM)");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    /** Prints each step as it ends, until the job has ended. */
    private static int follow(OperatorApiClient api, String jobId, PrintStream out)
            throws OperatorApiClient.Unreachable, InterruptedException {
        int printed = 0;
        Instant lastChange = Instant.now();
        while (true) {
            OperatorApiClient.Answer reply = api.get("api/v1/vms/" + jobId);
            JsonNode job = reply.body();
            if (reply.status() != 200) {
                out.println("job " + jobId + ": " + reply.status() + " " + reply.message());
                return 2;
            }
            JsonNode steps = job.get("steps");
            while (printed < steps.size() && steps.get(printed).hasNonNull("endedAt")) {
                JsonNode step = steps.get(printed++);
                out.println("  " + step.get("endedAt").asText() + " " + step.get("phase").asText() + " " + step.get("step").asText()
                        + " " + step.get("outcome").asText() + ": " + step.path("detail").asText(""));
                lastChange = Instant.now();
            }
            String status = job.get("status").asText();
            if (!status.equals("running")) {
                out.println("job " + jobId + " " + status + (status.equals("succeeded") ? ", VM " + job.get("vmid").asInt() : "")
                        + (job.hasNonNull("error") ? ": " + job.get("failedStep").asText() + ": " + job.get("error").asText() : ""));
                return status.equals("succeeded") ? 0 : 1;
            }
            if (Duration.between(lastChange, Instant.now()).toMinutes() >= 60) {
                out.println("job " + jobId + " still running after an hour without a step ending; follow it with GET /api/v1/vms/" + jobId);
                return 2;
            }
            Thread.sleep(500);
        }
    }

    private static String required(Map<String, List<String>> options, String name) {
        String value = one(options, name, null);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static String one(Map<String, List<String>> options, String name, String fallback) {
        List<String> values = options.get(name);
        if (values == null) {
            return fallback;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " given more than once");
        }
        return values.get(0);
    }
}

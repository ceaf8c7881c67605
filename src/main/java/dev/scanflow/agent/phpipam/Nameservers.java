package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scanflow.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A phpIPAM nameserver set: {@code namesrv1} holds the servers joined by ';' ("8.8.8.8;8.8.4.4").
 * Only IP literals are kept in {@code servers} (they end up as a scanner argument); anything else is in
 * {@code ignored}, for the log.
 */
public record Nameservers(long id, String name, List<String> servers, List<String> ignored) {

    public Nameservers {
        servers = List.copyOf(servers);
        ignored = List.copyOf(ignored);
    }

    static Nameservers from(JsonNode row) {
        String joined = ApiValues.text(row, "namesrv1");
        List<String> servers = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        if (joined != null) {
            for (String part : joined.split(";")) {
                String server = part.strip();
                if (server.isEmpty()) {
                    continue;
                }
                try {
                    servers.add(IpAddress.parse(server).toString());
                } catch (IllegalArgumentException e) {
                    ignored.add(server);
                }
            }
        }
        return new Nameservers(ApiValues.number(row, "id", 0), ApiValues.text(row, "name"), servers, ignored);
    }
}

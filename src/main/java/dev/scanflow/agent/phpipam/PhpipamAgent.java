package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;

/** The agent's own row in phpIPAM's scanAgents, as tools/scanagents/ returns it (its code is not kept). */
public record PhpipamAgent(long id, String name, String type) {

    static PhpipamAgent from(JsonNode row) {
        Long id = ApiValues.number(row, "id");
        if (id == null) {
            throw new PhpipamApiException(200, "phpIPAM answered a scan agent without an id");
        }
        return new PhpipamAgent(id, ApiValues.text(row, "name"), ApiValues.text(row, "type"));
    }
}

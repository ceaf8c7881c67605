package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What phpIPAM answered to one GET: the envelope's {@code data}, or "no results" (phpIPAM's 404 with
 * success=false, e.g. "No results (filter applied)", "No addresses found", "No slaves") with its message.
 */
public record ApiResult(JsonNode data, String message) {

    public static ApiResult of(JsonNode data) {
        return new ApiResult(data, null);
    }

    public static ApiResult noResults(String message) {
        return new ApiResult(null, message == null ? "no results" : message);
    }

    public boolean hasResults() {
        return data != null;
    }

    /**
     * The rows of a list answer. phpIPAM sends a JSON array; a single object (one-item calls such as
     * tools/nameservers/{id}/) is one row; an object of objects keyed by index (a PHP array with holes)
     * is its values. No results, null or false are no rows.
     */
    public List<JsonNode> rows() {
        List<JsonNode> rows = new ArrayList<>();
        if (data == null || data.isNull() || data.isMissingNode() || !data.isContainerNode()) {
            return rows;
        }
        if (data.isArray()) {
            data.forEach(rows::add);
            return rows;
        }
        if (data.has("id")) {
            rows.add(data);
            return rows;
        }
        boolean allObjects = data.size() > 0;
        for (Iterator<JsonNode> it = data.elements(); it.hasNext(); ) {
            allObjects &= it.next().isObject();
        }
        if (allObjects) {
            data.elements().forEachRemaining(rows::add);
        } else {
            rows.add(data);
        }
        return rows;
    }
}

package dev.scanflow.management;

import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * What /observe/info tells: the role, Camel's and Java's versions, the state and uptime. Camel's own info page
 * also gives the OS user, the Java home, the working directory and the PID; those are left out here, since a
 * user name and paths help nobody but an attacker.
 */
final class ObserveInfo implements Supplier<JsonObject> {

    private volatile CamelContext context;

    void setContext(CamelContext context) {
        this.context = context;
    }

    CamelContext context() {
        return context;
    }

    @Override
    public JsonObject get() {
        JsonObject camel = new JsonObject();
        CamelContext current = context;
        if (current != null) {
            camel.put("name", current.getName()).put("version", current.getVersion())
                    .put("state", current.getStatus().name()).put("uptime", current.getUptime().toString());
        }
        return new JsonObject()
                .put("camel", camel)
                .put("java", new JsonObject().put("version", System.getProperty("java.version"))
                        .put("vendor", System.getProperty("java.vendor")))
                .put("os", new JsonObject().put("name", System.getProperty("os.name")).put("arch", System.getProperty("os.arch")));
    }
}

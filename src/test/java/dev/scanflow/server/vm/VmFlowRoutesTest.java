package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slice of the real route files (routes/vm-create.yaml, routes/vm-rollback.yaml) with beans that only
 * record their calls: the order of the steps, and that a failing step is followed by the undo steps in
 * reverse and one event, whatever step fails. The steps' own work is VmProvisioningIT's.
 */
class VmFlowRoutesTest {

    /** Stands in for VmSteps, VmRollback, VmRecovery, VmJobs and VmEvents: Camel binds by method name. */
    public static final class Calls {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile String failIn;

        private void call(String name) {
            calls.add(name);
            if (name.equals(failIn)) {
                throw new VmStepFailed(name, "injected");
            }
        }

        public void nextId() {
            call("nextId");
        }

        public void cloneTemplate() {
            call("cloneTemplate");
        }

        public void cloudInit() {
            call("cloudInit");
        }

        public void resizeDisk() {
            call("resizeDisk");
        }

        public void start() {
            call("start");
        }

        public void markUsed() {
            call("markUsed");
        }

        public void failed() {
            call("failed");
        }

        public void stopTask() {
            call("stopTask");
        }

        public void stopVm() {
            call("stopVm");
        }

        public void deleteVm() {
            call("deleteVm");
        }

        public void releaseAddress() {
            call("releaseAddress");
        }

        public void ended() {
            call("ended");
        }

        public void incomplete() {
            call("incomplete");
        }

        public void done() {
            call("done");
        }

        public boolean running() {
            return true;
        }

        public List<String> abandonedJobs() {
            return List.of();
        }

        public void abandoned() {
            call("abandoned");
        }
    }

    /** vmEvents.ended returns the events; a method of its own so its name does not clash with vmRollback.ended. */
    public static final class Events {
        public List<String> ended(@org.apache.camel.ExchangeProperty("vmJobId") String jobId) {
            return List.of("event of " + jobId);
        }
    }

    private CamelContext context;
    private final Calls calls = new Calls();

    @BeforeEach
    void load() throws Exception {
        context = new DefaultCamelContext();
        for (String name : List.of("vmSteps", "vmRollback", "vmRecovery", "vmJobs")) {
            context.getRegistry().bind(name, calls);
        }
        context.getRegistry().bind("vmEvents", new Events());
        context.getPropertiesComponent().setInitialProperties(new java.util.Properties() {
            {
                putAll(Map.of("scanflow.vm.workers", "1", "scanflow.vm.recovery-period-ms", "3600000"));
            }
        });
        for (String file : List.of("routes/vm-create.yaml", "routes/vm-rollback.yaml")) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + file));
        }
        // the slice ends where the events leave: publishing is event-publishing.yaml's business
        AdviceWith.adviceWith(context, "vm-job-ended", route -> route.weaveByToUri("seda:publish-events").replace().to("seda:events-out"));
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private List<String> run() throws Exception {
        ProducerTemplate producer = context.createProducerTemplate();
        producer.sendBody("seda:vm-jobs", new VmApi.Accepted("job-1", "running", "192.0.2.10", "192.0.2.0/24", true));
        ConsumerTemplate consumer = context.createConsumerTemplate();
        Object event = consumer.receiveBody("seda:events-out", TimeUnit.SECONDS.toMillis(10));
        assertEquals(List.of("event of job-1"), event);
        // the job's exchange goes on a little after its event left (doFinally): wait until it has ended
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (context.getInflightRepository().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return List.copyOf(calls.calls);
    }

    @Test
    void theStepsRunInOrderAndTheEndIsPublished() throws Exception {
        assertEquals(List.of("nextId", "cloneTemplate", "cloudInit", "resizeDisk", "start", "markUsed", "done", "done"), run());
    }

    @Test
    void aFailingStepIsFollowedByEveryUndoStepInReverseAndOneEvent() throws Exception {
        calls.failIn = "start";
        assertEquals(List.of("nextId", "cloneTemplate", "cloudInit", "resizeDisk", "start", "failed",
                "stopTask", "stopVm", "deleteVm", "releaseAddress", "ended", "done", "done"), run());
    }

    @Test
    void aFailingUndoStopsTheUndoingSoTheAddressStaysReserved() throws Exception {
        calls.failIn = "deleteVm";
        // deleteVm only fails on the way back: the forward steps have none of that name
        assertEquals(List.of("nextId", "cloneTemplate", "cloudInit", "resizeDisk", "start", "markUsed", "done", "done"), run());
        calls.calls.clear();
        calls.failIn = null;
        context.createProducerTemplate().send("direct:vm-rollback", exchange -> {
            exchange.setProperty("vmJobId", "job-1");
            calls.failIn = "deleteVm";
        });
        assertEquals(List.of("stopTask", "stopVm", "deleteVm", "incomplete", "done"), List.copyOf(calls.calls));
    }
}

package dev.scanflow.server.vm;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * VM provisioning's beans and route properties, for routes/vm-*.yaml. The routes are always loaded; with
 * scanflow.vm.enabled=false the API answers 503, recovery finds nothing and no Proxmox client exists.
 */
public final class VmConfiguration {

    private final Map<String, Object> beans = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public VmConfiguration(VmSettings settings, DataSource dataSource, String scanflowSchema) {
        Clock clock = Clock.systemUTC();
        VmJobs jobs = new VmJobs(dataSource, scanflowSchema, clock);
        beans.put("vmJobs", jobs);
        VmRecovery recovery = new VmRecovery(settings.enabled(), jobs, settings.lease());
        beans.put("vmApi", new VmApi(settings.enabled(), jobs, recovery, dataSource));
        beans.put("vmRecovery", recovery);
        beans.put("vmEvents", new VmEvents(jobs));
        if (settings.enabled()) {
            ProxmoxApi proxmox = new ProxmoxApi(settings);
            TaskWaiter tasks = new TaskWaiter(proxmox, jobs, settings.taskTimeout(), settings.pollInterval(), clock);
            beans.put("vmSteps", new VmSteps(jobs, proxmox, tasks, settings));
            beans.put("vmRollback", new VmRollback(jobs, proxmox, tasks));
        } else {
            beans.put("vmSteps", new VmSteps(jobs, null, null, settings));
            beans.put("vmRollback", new VmRollback(jobs, null, null));
        }
        properties.put("scanflow.vm.workers", settings.workers());
        // looked for at start and then every half lease: a job abandoned by a server is rolled back within 1.5 leases
        properties.put("scanflow.vm.recovery-period-ms", Math.max(1000, settings.lease().toMillis() / 2));
    }

    public Map<String, Object> beans() {
        return beans;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}

package dev.scanflow.server.vm;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * VM provisioning (scanflow.vm.*, listed with their defaults in config/server.properties). Off by default:
 * when off, nothing here is read beyond the flag and POST /api/v1/vms answers 503.
 *
 * @param enabled       scanflow.vm.enabled, default false
 * @param proxmoxUrl    scanflow.vm.proxmox.url, https://HOST:8006 (required when enabled)
 * @param token         the API token "USER@REALM!TOKENID=SECRET", from the environment variable
 *                      SCANFLOW_VM_PROXMOX_TOKEN or the file scanflow.vm.proxmox.token-file; never from the
 *                      config file itself or a -D option (both end up in places secrets must not be)
 * @param caFile        scanflow.vm.proxmox.ca-file: PEM file whose certificates alone are trusted (Proxmox's own
 *                      CA, /etc/pve/pve-root-ca.pem on a node); unset = the JVM's default trust store
 * @param httpTimeout   scanflow.vm.proxmox.http-timeout: one API call, default 30s
 * @param taskTimeout   scanflow.vm.task-timeout: how long one Proxmox task may run, default 10m
 * @param pollInterval  scanflow.vm.poll-interval: between two task status reads, default 2s
 * @param lease         scanflow.vm.lease: a running job whose server has not touched it for this long is
 *                      rolled back by the next server that starts or looks, default 5m
 * @param fullClone     scanflow.vm.full-clone, default true (a linked clone depends on its template)
 * @param storage       scanflow.vm.storage: target storage of a full clone; unset = the template's
 * @param disk          scanflow.vm.disk: the disk resized to the requested size, default scsi0
 * @param nameserver    scanflow.vm.nameserver: cloud-init DNS servers (space-separated); unset = the template's
 * @param searchDomain  scanflow.vm.search-domain: cloud-init DNS search domain; unset = the template's
 * @param user          scanflow.vm.user: cloud-init user (ciuser); unset = the image's default user
 * @param workers       scanflow.vm.workers: jobs run at the same time, default 2
 */
public record VmSettings(boolean enabled, URI proxmoxUrl, String token, Path caFile, Duration httpTimeout,
                         Duration taskTimeout, Duration pollInterval, Duration lease, boolean fullClone, String storage,
                         String disk, String nameserver, String searchDomain, String user, int workers) {

    public static final String TOKEN_VARIABLE = "SCANFLOW_VM_PROXMOX_TOKEN";
    private static final String TOKEN_SHAPE = "[^@\\s]+@[^!\\s]+![A-Za-z][A-Za-z0-9._-]*=[^\\s]+";

    public static VmSettings disabled() {
        return new VmSettings(false, null, null, null, Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofSeconds(2), Duration.ofMinutes(5), true, null, "scsi0", null, null, null, 2);
    }

    /** Every scanflow.vm.* key config/server.properties documents, the token file included. */
    private static final java.util.List<String> DOCUMENTED_KEYS = java.util.List.of("scanflow.vm.proxmox.url",
            "scanflow.vm.proxmox.token-file", "scanflow.vm.proxmox.ca-file", "scanflow.vm.proxmox.http-timeout",
            "scanflow.vm.task-timeout", "scanflow.vm.poll-interval", "scanflow.vm.lease", "scanflow.vm.full-clone",
            "scanflow.vm.storage", "scanflow.vm.disk", "scanflow.vm.nameserver", "scanflow.vm.search-domain",
            "scanflow.vm.user", "scanflow.vm.workers");

    public static VmSettings from(SettingsSource source, Map<String, String> environment, Path home) {
        if (!source.bool("scanflow.vm.enabled", false)) {
            // still this role's keys (config/server.properties sets some): read, so the known-keys check knows them
            DOCUMENTED_KEYS.forEach(source::raw);
            return disabled();
        }
        String url = source.required("scanflow.vm.proxmox.url");
        URI proxmox;
        try {
            proxmox = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.vm.proxmox.url is not a URL: " + e.getMessage());
        }
        if (!"https".equals(proxmox.getScheme()) || proxmox.getHost() == null) {
            throw new InvalidSettings("scanflow.vm.proxmox.url must be https://HOST:8006, not " + url);
        }
        String caFile = source.raw("scanflow.vm.proxmox.ca-file");
        Path ca = caFile == null ? null : home.resolve(caFile);
        if (ca != null && !Files.isReadable(ca)) {
            throw new InvalidSettings("scanflow.vm.proxmox.ca-file " + ca + " is not a readable file");
        }
        String disk = source.string("scanflow.vm.disk", "scsi0");
        if (!disk.matches("(scsi|virtio|sata|ide)[0-9]{1,2}")) {
            throw new InvalidSettings("scanflow.vm.disk must name a disk such as scsi0, not " + disk);
        }
        String storage = source.raw("scanflow.vm.storage");
        if (storage != null && !storage.matches("[A-Za-z][A-Za-z0-9._-]*")) {
            throw new InvalidSettings("scanflow.vm.storage is not a Proxmox storage id: " + storage);
        }
        return new VmSettings(true, proxmox, token(source, environment, home), ca,
                source.duration("scanflow.vm.proxmox.http-timeout", Duration.ofSeconds(30)),
                source.duration("scanflow.vm.task-timeout", Duration.ofMinutes(10)),
                source.duration("scanflow.vm.poll-interval", Duration.ofSeconds(2)),
                source.duration("scanflow.vm.lease", Duration.ofMinutes(5)),
                source.bool("scanflow.vm.full-clone", true), storage, disk,
                source.raw("scanflow.vm.nameserver"), source.raw("scanflow.vm.search-domain"), source.raw("scanflow.vm.user"),
                source.integer("scanflow.vm.workers", 2, 1, 32));
    }

    /** The token from the environment, else from the token file; a token anywhere else is refused, not used. */
    private static String token(SettingsSource source, Map<String, String> environment, Path home) {
        String fromEnvironment = environment.get(TOKEN_VARIABLE);
        String file = source.raw("scanflow.vm.proxmox.token-file");
        if (fromEnvironment == null && source.raw("scanflow.vm.proxmox.token") != null) {
            throw new InvalidSettings("scanflow.vm.proxmox.token may not be set in a config file or with -D:"
                    + " give it as " + TOKEN_VARIABLE + " or in the file named by scanflow.vm.proxmox.token-file");
        }
        String token;
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            token = fromEnvironment.strip();
        } else if (file != null) {
            try {
                token = Files.readString(home.resolve(file)).strip();
            } catch (IOException e) {
                throw new InvalidSettings("scanflow.vm.proxmox.token-file " + home.resolve(file) + " cannot be read: "
                        + e.getClass().getSimpleName());
            }
        } else {
            throw new InvalidSettings("scanflow.vm.enabled=true needs a Proxmox API token: set " + TOKEN_VARIABLE
                    + " or scanflow.vm.proxmox.token-file");
        }
        if (!token.matches(TOKEN_SHAPE)) {
            // the message never repeats the value: it may be a secret pasted in the wrong place
            throw new InvalidSettings("the Proxmox API token must read USER@REALM!TOKENID=SECRET");
        }
        return token;
    }

    @Override
    public String toString() {
        return "VmSettings[enabled=" + enabled + ", proxmoxUrl=" + proxmoxUrl + ", token=****, caFile=" + caFile + "]";
    }
}

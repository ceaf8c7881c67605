package dev.scanflow.server.alert;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.delta.AddressRanges;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.ServiceField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The alert rules of config/alert-rules.yaml, checked: every key is documented in that file. A wrong or
 * unknown key stops the start with one line naming it ({@link InvalidSettings}).
 *
 * @param criticalPorts ports that alert wherever they open, unless a subnet policy allows them
 * @param subnets       allow and block lists for addresses inside given CIDRs (optionally of one site)
 * @param newHost       the rule for hosts never seen before on their subnet
 * @param macChange     the rule for a known host answering with another MAC
 * @param serviceChange the rule for an open port whose service changed
 * @param trafficBreach the rule for a traffic test whose result crosses one of its thresholds
 */
public record AlertRules(List<CriticalPort> criticalPorts, List<SubnetPolicy> subnets, NewHostRule newHost,
                         MacChangeRule macChange, ServiceChangeRule serviceChange, TrafficBreachRule trafficBreach) {

    public AlertRules {
        criticalPorts = List.copyOf(criticalPorts);
        subnets = List.copyOf(subnets);
        trafficBreach = trafficBreach == null ? TrafficBreachRule.OFF : trafficBreach;
    }

    /** Rules without a traffic rule: traffic breaches raise no alert. */
    public AlertRules(List<CriticalPort> criticalPorts, List<SubnetPolicy> subnets, NewHostRule newHost,
                      MacChangeRule macChange, ServiceChangeRule serviceChange) {
        this(criticalPorts, subnets, newHost, macChange, serviceChange, TrafficBreachRule.OFF);
    }

    /**
     * A traffic test measured a link under a threshold (config/traffic-tests.yaml): one alert per test,
     * updated while active, resolved by the next run that passes, reopened by the next breach.
     */
    public record TrafficBreachRule(boolean enabled, Severity severity) {

        static final TrafficBreachRule OFF = new TrafficBreachRule(false, Severity.HIGH);

        public TrafficBreachRule {
            java.util.Objects.requireNonNull(severity, "severity");
        }
    }

    /** A port that alerts when it opens, with why it is worth an alert. */
    public record CriticalPort(PortSpec port, String name, Severity severity, String why) {
    }

    /**
     * What may and may not be open on the addresses inside {@code cidrs} (and of {@code site}, when set).
     * A blocked port alerts with {@code blockSeverity}; an allowed port never alerts there, not even when it is
     * a critical port; with {@code notAllowedSeverity} set, every other open port alerts too.
     */
    public record SubnetPolicy(String name, List<Cidr> cidrs, String site, List<PortSpec> allow, List<PortSpec> block,
                               Severity blockSeverity, Severity notAllowedSeverity, AddressRanges v4, AddressRanges v6) {

        public SubnetPolicy(String name, List<Cidr> cidrs, String site, List<PortSpec> allow, List<PortSpec> block,
                            Severity blockSeverity, Severity notAllowedSeverity) {
            this(name, List.copyOf(cidrs), site, List.copyOf(allow), List.copyOf(block), blockSeverity, notAllowedSeverity,
                    AddressRanges.of(4, cidrs), AddressRanges.of(6, cidrs));
        }

        public boolean covers(String observedSite, HostAddress address) {
            return (site == null || site.equals(observedSite)) && (address.version() == 4 ? v4 : v6).contains(address);
        }

        boolean allows(String protocol, int port) {
            return allow.stream().anyMatch(spec -> spec.matches(protocol, port));
        }

        boolean blocks(String protocol, int port) {
            return block.stream().anyMatch(spec -> spec.matches(protocol, port));
        }
    }

    /** New hosts alert (inside {@code cidrs}, everywhere when empty); not on a subnet's first scan if asked. */
    public record NewHostRule(boolean enabled, Severity severity, boolean skipFirstScan, List<Cidr> cidrs,
                              AddressRanges v4, AddressRanges v6) {

        public NewHostRule(boolean enabled, Severity severity, boolean skipFirstScan, List<Cidr> cidrs) {
            this(enabled, severity, skipFirstScan, List.copyOf(cidrs), AddressRanges.of(4, cidrs), AddressRanges.of(6, cidrs));
        }

        boolean covers(HostAddress address) {
            return cidrs.isEmpty() || (address.version() == 4 ? v4 : v6).contains(address);
        }
    }

    public record MacChangeRule(boolean enabled, Severity severity) {
    }

    /** Service changes alert when they touch one of {@code fields}. */
    public record ServiceChangeRule(boolean enabled, Severity severity, Set<ServiceField> fields) {

        public ServiceChangeRule {
            fields = fields.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(fields));
        }
    }

    /** Why an open port alerts: the rule that flagged it and how severe it is. */
    public record PortVerdict(Severity severity, String rule) {
    }

    /** No alert at all: what the server uses when it has no rules file. */
    public static AlertRules none() {
        return new AlertRules(List.of(), List.of(), new NewHostRule(false, Severity.LOW, true, List.of()),
                new MacChangeRule(false, Severity.HIGH), new ServiceChangeRule(false, Severity.MEDIUM, Set.of()),
                TrafficBreachRule.OFF);
    }

    /**
     * Whether a port that opened on {@code address} of {@code site} alerts. Block lists win over everything;
     * an allow list that names the port silences it, critical or not; then the critical ports; then the
     * policies that alert on whatever they do not allow. The most severe matching policy decides.
     */
    public Optional<PortVerdict> judgePort(String site, HostAddress address, String protocol, int port) {
        List<SubnetPolicy> policies = subnets.stream().filter(policy -> policy.covers(site, address)).toList();
        PortVerdict blocked = null;
        for (SubnetPolicy policy : policies) {
            if (policy.blocks(protocol, port) && (blocked == null || policy.blockSeverity().compareTo(blocked.severity()) > 0)) {
                blocked = new PortVerdict(policy.blockSeverity(), "blocked in " + policy.name());
            }
        }
        if (blocked != null) {
            return Optional.of(blocked);
        }
        if (policies.stream().anyMatch(policy -> policy.allows(protocol, port))) {
            return Optional.empty();
        }
        for (CriticalPort critical : criticalPorts) {
            if (critical.port().matches(protocol, port)) {
                return Optional.of(new PortVerdict(critical.severity(), "critical port " + critical.port() + " " + critical.name()));
            }
        }
        PortVerdict notAllowed = null;
        for (SubnetPolicy policy : policies) {
            Severity severity = policy.notAllowedSeverity();
            if (severity != null && (notAllowed == null || severity.compareTo(notAllowed.severity()) > 0)) {
                notAllowed = new PortVerdict(severity, "not allowed in " + policy.name());
            }
        }
        return Optional.ofNullable(notAllowed);
    }

    // --- the file --------------------------------------------------------------------------------------

    public static AlertRules load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSettings("alert rules file " + file + " does not exist");
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AlertRules parse(String yaml, String source) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        RawRules raw;
        try {
            raw = mapper.readValue(yaml, RawRules.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidSettings(source + ": " + where(e) + "unknown key; the keys here are "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonParseException syntax) {
                throw new InvalidSettings(source + ": not valid YAML: " + firstLine(syntax.getOriginalMessage()));
            }
            throw new InvalidSettings(source + ": " + where(e) + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new InvalidSettings(source + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
        }
        if (raw == null) {
            throw new InvalidSettings(source + " is empty: see the documented config/alert-rules.yaml");
        }
        return raw.check(source);
    }

    /** The key path, "newHost.severiti" or "subnets[2].allow[0]"; YAML line numbers from Jackson point past it. */
    private static String where(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** The file as written; every field optional so that a missing one gets a message, not a null. */
    record RawRules(List<RawCriticalPort> criticalPorts, List<RawSubnet> subnets, RawNewHost newHost,
                    RawSimpleRule macChange, RawServiceChange serviceChange, RawSimpleRule trafficBreach) {

        AlertRules check(String source) {
            List<CriticalPort> critical = new ArrayList<>();
            List<RawCriticalPort> ports = criticalPorts == null ? List.of() : criticalPorts;
            for (int i = 0; i < ports.size(); i++) {
                RawCriticalPort port = ports.get(i);
                String at = source + ": criticalPorts[" + i + "]";
                critical.add(new CriticalPort(portSpec(at + ".port", required(at + ".port", port.port())),
                        port.name() == null ? "" : port.name(), severity(at + ".severity", required(at + ".severity", port.severity())),
                        port.why()));
            }
            List<SubnetPolicy> policies = new ArrayList<>();
            List<RawSubnet> rawSubnets = subnets == null ? List.of() : subnets;
            for (int i = 0; i < rawSubnets.size(); i++) {
                RawSubnet subnet = rawSubnets.get(i);
                String at = source + ": subnets[" + i + "]";
                List<Cidr> cidrs = cidrs(at + ".cidrs", required(at + ".cidrs", subnet.cidrs()));
                if (cidrs.isEmpty()) {
                    throw new InvalidSettings(at + ".cidrs: name at least one CIDR");
                }
                policies.add(new SubnetPolicy(subnet.name() == null ? cidrs.toString() : subnet.name(), cidrs, subnet.site(),
                        portSpecs(at + ".allow", subnet.allow()), portSpecs(at + ".block", subnet.block()),
                        subnet.blockSeverity() == null ? Severity.CRITICAL : severity(at + ".blockSeverity", subnet.blockSeverity()),
                        subnet.notAllowedSeverity() == null ? null : severity(at + ".notAllowedSeverity", subnet.notAllowedSeverity())));
            }
            RawNewHost host = newHost == null ? new RawNewHost(false, null, null, null) : newHost;
            NewHostRule newHostRule = new NewHostRule(Boolean.TRUE.equals(host.enabled()),
                    host.severity() == null ? Severity.LOW : severity(source + ": newHost.severity", host.severity()),
                    host.skipFirstScan() == null || host.skipFirstScan(),
                    cidrs(source + ": newHost.cidrs", host.cidrs() == null ? List.of() : host.cidrs()));
            RawSimpleRule mac = macChange == null ? new RawSimpleRule(false, null) : macChange;
            MacChangeRule macRule = new MacChangeRule(Boolean.TRUE.equals(mac.enabled()),
                    mac.severity() == null ? Severity.HIGH : severity(source + ": macChange.severity", mac.severity()));
            RawServiceChange service = serviceChange == null ? new RawServiceChange(false, null, null) : serviceChange;
            Set<ServiceField> fields = EnumSet.noneOf(ServiceField.class);
            for (String field : service.fields() == null ? List.of("name", "product", "version", "tunnel") : service.fields()) {
                fields.add(serviceField(source + ": serviceChange.fields", field));
            }
            ServiceChangeRule serviceRule = new ServiceChangeRule(Boolean.TRUE.equals(service.enabled()),
                    service.severity() == null ? Severity.MEDIUM : severity(source + ": serviceChange.severity", service.severity()),
                    fields);
            RawSimpleRule traffic = trafficBreach == null ? new RawSimpleRule(false, null) : trafficBreach;
            TrafficBreachRule trafficRule = new TrafficBreachRule(Boolean.TRUE.equals(traffic.enabled()),
                    traffic.severity() == null ? Severity.HIGH : severity(source + ": trafficBreach.severity", traffic.severity()));
            return new AlertRules(critical, policies, newHostRule, macRule, serviceRule, trafficRule);
        }
    }

    record RawCriticalPort(String port, String name, String severity, String why) {
    }

    record RawSubnet(String name, List<String> cidrs, String site, List<String> allow, List<String> block,
                     String blockSeverity, String notAllowedSeverity) {
    }

    record RawNewHost(Boolean enabled, String severity, Boolean skipFirstScan, List<String> cidrs) {
    }

    record RawSimpleRule(Boolean enabled, String severity) {
    }

    record RawServiceChange(Boolean enabled, String severity, List<String> fields) {
    }

    private static <T> T required(String at, T value) {
        if (value == null) {
            throw new InvalidSettings(at + " is required");
        }
        return value;
    }

    private static Severity severity(String at, String text) {
        try {
            return Severity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(at + ": " + e.getMessage());
        }
    }

    private static PortSpec portSpec(String at, String text) {
        try {
            return PortSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(at + ": " + e.getMessage());
        }
    }

    private static List<PortSpec> portSpecs(String at, List<String> texts) {
        List<PortSpec> specs = new ArrayList<>();
        if (texts != null) {
            for (int i = 0; i < texts.size(); i++) {
                specs.add(portSpec(at + "[" + i + "]", texts.get(i)));
            }
        }
        return specs;
    }

    private static List<Cidr> cidrs(String at, List<String> texts) {
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                cidrs.add(Cidr.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings(at + "[" + i + "]: " + e.getMessage());
            }
        }
        return cidrs;
    }

    private static ServiceField serviceField(String at, String text) {
        String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (name.equals("EXTRAINFO")) {
            name = "EXTRA_INFO";
        }
        try {
            return ServiceField.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(at + ": '" + text + "' is not a service field: name, product, version, extrainfo,"
                    + " tunnel or cpes");
        }
    }
}

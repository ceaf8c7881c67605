package dev.scanflow.management;

import dev.scanflow.config.ManagementSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.core.Future;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * camel-main's HTTP servers (the business server and the management server) as platform-http builds them, with
 * {@link ObserveGuard} in front of /observe/* and, when configured, TLS. camel-main takes a
 * {@link MainHttpServerFactory} from the registry before its own, so binding this one is enough. The guard is
 * part of the server's router before the server listens: there is no moment where /observe is open.
 */
public final class GuardedHttpServerFactory implements MainHttpServerFactory, CamelContextAware {

    private final DefaultMainHttpServerFactory delegate = new DefaultMainHttpServerFactory();
    private final ObserveGuard guard;
    private final ObserveInfo info = new ObserveInfo();
    private final SSLContextParameters tls;

    /**
     * @param tls  the server's TLS, or null for plain HTTP
     * @param home the install directory, never shown in an answer
     */
    public GuardedHttpServerFactory(ManagementSettings settings, SSLContextParameters tls, java.nio.file.Path home) {
        this.guard = new ObserveGuard(settings, info, new JolokiaEndpoint(info::context, new PathScrubber(home)));
        this.tls = tls;
    }

    @Override
    public CamelContext getCamelContext() {
        return delegate.getCamelContext();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        delegate.setCamelContext(camelContext);
        info.setContext(camelContext);
    }

    @Override
    public Service newHttpServer(CamelContext camelContext, HttpServerConfigurationProperties configuration) {
        info.setContext(camelContext);
        Service server = delegate.newHttpServer(camelContext, configuration);
        harden(((MainHttpServer) server).getConfiguration());
        return server;
    }

    @Override
    public Service newHttpManagementServer(CamelContext camelContext, HttpManagementServerConfigurationProperties configuration) {
        info.setContext(camelContext);
        Service server = delegate.newHttpManagementServer(camelContext, configuration);
        // used when management listens on a port of its own (the agent); on the server's port it shares the
        // business server, which is hardened above
        harden(((ManagementHttpServer) server).getConfiguration());
        return server;
    }

    private void harden(VertxPlatformHttpServerConfiguration configuration) {
        AuthenticationConfig authentication = configuration.getAuthenticationConfig();
        authentication.setEnabled(true);
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath("/observe*");
        entry.setAuthenticationProviderFactory(NoProvider::new);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> io.vertx.ext.web.handler.AuthenticationHandler createAuthenticationHandler(T provider) {
                return guard;
            }
        });
        authentication.getEntries().add(entry);
        if (tls != null) {
            configuration.setSslContextParameters(tls);
        }
    }

    /** platform-http wants a provider per entry; the guard checks the token itself. */
    private record NoProvider(Vertx vertx) implements AuthenticationProvider {
        @Override
        public void authenticate(JsonObject credentials, io.vertx.core.Handler<io.vertx.core.AsyncResult<User>> resultHandler) {
            resultHandler.handle(Future.failedFuture("not used"));
        }

        @Override
        public Future<User> authenticate(Credentials credentials) {
            return Future.failedFuture("not used");
        }
    }
}

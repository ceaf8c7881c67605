package dev.scanflow.management;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A Vert.x instance whose HTTPS servers require a client certificate. Camel 4.17's platform-http hands the
 * key and trust stores of its SSLContextParameters to Vert.x but not their clientAuthentication, so a server
 * that must refuse agents without a certificate cannot be configured through Camel alone. platform-http uses
 * the Vert.x instance it finds in the registry: this one is the real Vert.x with one change, made where the
 * server is created: {@code setClientAuth(REQUIRED)} on TLS server options. The trust store decides which
 * certificates pass.
 */
public final class MutualTlsVertx implements AutoCloseable {

    private final Vertx real;
    private final Vertx proxy;

    private MutualTlsVertx(Vertx real, Vertx proxy) {
        this.real = real;
        this.proxy = proxy;
    }

    public static MutualTlsVertx create() {
        Vertx real = Vertx.vertx();
        InvocationHandler handler = new InvocationHandler() {
            @Override
            public Object invoke(Object target, Method method, Object[] args) throws Throwable {
                if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                        && args[0] instanceof HttpServerOptions options && options.isSsl()) {
                    args = new Object[] {new HttpServerOptions(options).setClientAuth(ClientAuth.REQUIRED)};
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        };
        Vertx proxy = (Vertx) Proxy.newProxyInstance(MutualTlsVertx.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class}, handler);
        return new MutualTlsVertx(real, proxy);
    }

    public Vertx vertx() {
        return proxy;
    }

    @Override
    public void close() {
        real.close();
    }
}

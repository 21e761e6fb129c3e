package io.prometheusrelay.pipeline.tls;

import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;

/**
 * TLS on one of a service's listeners, as Spring Boot's {@code server.ssl} configures its web
 * server: an SSL bundle ({@code spring.ssl.bundle.*}) with the listener's certificate and key and,
 * for client authentication, the CA its clients' certificates must come from.
 */
public class ServerTlsProperties {

	/** The SSL bundle; unset, the listener speaks plain TCP. */
	private @Nullable String bundle;

	/** Whether clients must present a certificate from the bundle's trust store: none, want or need. */
	private ClientAuth clientAuth = ClientAuth.NONE;

	/** Whether clients present certificates. */
	public enum ClientAuth {

		/** Not asked for. */
		NONE,

		/** Asked for and checked if presented. */
		WANT,

		/** Required: a client without one from the trusted CA does not get in. */
		NEED

	}

	/** The listener's TLS context, or {@code null} for plain TCP. */
	public @Nullable SslContext serverContext(SslBundles bundles, String listener) {
		return (this.bundle != null) ? NettyTls.server(bundles.getBundle(this.bundle), this.clientAuth, listener) : null;
	}

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

	public ClientAuth getClientAuth() {
		return this.clientAuth;
	}

	public void setClientAuth(ClientAuth clientAuth) {
		this.clientAuth = clientAuth;
	}

}

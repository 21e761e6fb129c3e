package io.prometheusrelay.pipeline.tls;

import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;

/**
 * TLS to a peer: an SSL bundle ({@code spring.ssl.bundle.*}) whose trust store holds the CA the
 * peer's certificate must come from and, for mutual TLS, whose key store holds this service's own
 * certificate. The peer's certificate must also name the host dialled, as HTTPS requires.
 */
public class ClientTlsProperties {

	/** The SSL bundle; unset, connections are plain TCP. */
	private @Nullable String bundle;

	/** The peers' TLS context, or {@code null} for plain TCP. */
	public @Nullable SslContext clientContext(SslBundles bundles, String peers) {
		return (this.bundle != null) ? NettyTls.client(bundles.getBundle(this.bundle), peers) : null;
	}

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

}

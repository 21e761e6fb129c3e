package io.prometheusrelay.pipeline.tls;

import java.util.List;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/** Netty TLS contexts from Spring Boot SSL bundles, with the bundle's protocols and ciphers. */
public final class NettyTls {

	private NettyTls() {
	}

	/** A server's context: its key store's certificate, and its trust store for client certificates. */
	public static SslContext server(SslBundle bundle, ServerTlsProperties.ClientAuth clientAuth, String listener) {
		return build(serverBuilder(bundle, clientAuth), listener);
	}

	/** A server's context builder, for servers that add to it (gRPC's ALPN). */
	public static SslContextBuilder serverBuilder(SslBundle bundle, ServerTlsProperties.ClientAuth clientAuth) {
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory())
			.clientAuth(switch (clientAuth) {
				case NONE -> ClientAuth.NONE;
				case WANT -> ClientAuth.OPTIONAL;
				case NEED -> ClientAuth.REQUIRE;
			});
		if (clientAuth != ServerTlsProperties.ClientAuth.NONE) {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory());
		}
		return withOptions(builder, bundle.getOptions());
	}

	/** A client's context: the trust store for the server's certificate, the key store for its own. */
	public static SslContext client(SslBundle bundle, String peers) {
		return build(clientBuilder(bundle), peers);
	}

	/** A client's context builder, for clients that add to it (gRPC's ALPN). */
	public static SslContextBuilder clientBuilder(SslBundle bundle) {
		return withOptions(SslContextBuilder.forClient()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory()), bundle.getOptions());
	}

	/** Builds it, naming what it is for if the bundle cannot make one. */
	public static SslContext build(SslContextBuilder builder, String usedFor) {
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot build the TLS context of " + usedFor + ": " + ex.getMessage(), ex);
		}
	}

	private static SslContextBuilder withOptions(SslContextBuilder builder, SslOptions options) {
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(List.of(options.getCiphers()));
		}
		return builder;
	}

}

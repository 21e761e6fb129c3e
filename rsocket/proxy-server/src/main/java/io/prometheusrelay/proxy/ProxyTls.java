package io.prometheusrelay.proxy;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;

/** The RSocket servers' TLS context, from a Spring Boot SSL bundle. */
final class ProxyTls {

	private ProxyTls() {
	}

	static SslContext serverContext(SslBundle bundle, ProxyProperties.ClientAuth clientAuth) {
		SslManagerBundle managers = bundle.getManagers();
		SslContextBuilder builder = SslContextBuilder.forServer(managers.getKeyManagerFactory())
			.clientAuth(switch (clientAuth) {
				case NONE -> ClientAuth.NONE;
				case WANT -> ClientAuth.OPTIONAL;
				case NEED -> ClientAuth.REQUIRE;
			});
		if (clientAuth != ProxyProperties.ClientAuth.NONE) {
			builder.trustManager(managers.getTrustManagerFactory());
		}
		if (bundle.getOptions().getEnabledProtocols() != null) {
			builder.protocols(bundle.getOptions().getEnabledProtocols());
		}
		if (bundle.getOptions().getCiphers() != null) {
			builder.ciphers(java.util.List.of(bundle.getOptions().getCiphers()));
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot build the RSocket servers' TLS context: " + ex.getMessage(), ex);
		}
	}

}

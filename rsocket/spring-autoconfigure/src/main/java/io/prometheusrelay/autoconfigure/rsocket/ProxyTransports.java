package io.prometheusrelay.autoconfigure.rsocket;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.TcpClient;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** The client's transport to the proxy, from the properties: TCP or WebSocket, with or without TLS. */
final class ProxyTransports {

	private ProxyTransports() {
	}

	static ClientTransport create(PrometheusRSocketClientProperties properties, String host,
			@Nullable SslBundles sslBundles) {
		SslContext tls = tls(properties, sslBundles);
		// Its own connection, not one from reactor-netty's shared pool: it lives as long as the application.
		if (properties.getTransport() == PrometheusRSocketClientProperties.Transport.WEBSOCKET) {
			HttpClient http = HttpClient.newConnection().host(host).port(properties.getPort());
			return WebsocketClientTransport.create((tls != null) ? http.secure(spec -> spec.sslContext(tls)) : http,
					properties.getWebsocketPath());
		}
		TcpClient tcp = TcpClient.newConnection().host(host).port(properties.getPort());
		return TcpClientTransport.create((tls != null) ? tcp.secure(spec -> spec.sslContext(tls)) : tcp);
	}

	private static @Nullable SslContext tls(PrometheusRSocketClientProperties properties, @Nullable SslBundles sslBundles) {
		String bundleName = properties.getSslBundle();
		if (bundleName == null && !properties.isSecure()) {
			return null;
		}
		SslContextBuilder builder = SslContextBuilder.forClient();
		if (bundleName != null) {
			if (sslBundles == null) {
				throw new IllegalStateException("SSL bundle '" + bundleName + "' is configured, but there are no SSL bundles");
			}
			SslBundle bundle = sslBundles.getBundle(bundleName);
			builder.keyManager(bundle.getManagers().getKeyManagerFactory())
				.trustManager(bundle.getManagers().getTrustManagerFactory());
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot build the TLS context for the proxy: " + ex.getMessage(), ex);
		}
	}

}

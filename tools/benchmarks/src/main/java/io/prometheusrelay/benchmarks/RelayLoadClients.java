package io.prometheusrelay.benchmarks;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheusrelay.loadclients.LoadClients;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.rsocket.transport.netty.client.TcpClientTransport;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

/** The proxy benchmark's load with this project's client (HPKE with this proxy). Arguments as {@link LoadClients}. */
public final class RelayLoadClients implements LoadClients.ClientLibrary {

	/** System property: PEM file of the CA of the proxy's certificate; set, the clients connect over TLS. */
	public static final String TLS_CA = "relay.bench.tls-ca";

	/** One context for every client, made once: each application would make its own once too. */
	private static final AtomicReference<SslContext> TLS = new AtomicReference<>();

	public static void main(String[] args) throws InterruptedException {
		LoadClients.run(args, new RelayLoadClients());
	}

	@Override
	public MeterRegistry newPrometheusRegistry() {
		return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
	}

	/**
	 * Unpooled, as each application's own client would be: a thousand clients sharing one JVM's default
	 * pooled TcpClient stop at its 500-connection pool.
	 */
	private static TcpClientTransport transport(String host, int port) {
		TcpClient tcp = TcpClient.newConnection().host(host).port(port);
		String ca = System.getProperty(TLS_CA);
		if (ca != null) {
			SslContext tls = TLS.updateAndGet(existing -> (existing != null) ? existing : clientContext(ca));
			tcp = tcp.secure(spec -> spec.sslContext(tls));
		}
		return TcpClientTransport.create(tcp);
	}

	private static SslContext clientContext(String ca) {
		try {
			return SslContextBuilder.forClient().trustManager(new File(ca)).build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Cannot read " + ca, ex);
		}
	}

	@Override
	public void connect(MeterRegistry registry, String host, int port, Runnable onKeyReceived) {
		PrometheusRSocketClient.build((PrometheusMeterRegistry) registry, transport(host, port))
			.retry(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)))
			.doOnKeyReceived(onKeyReceived)
			.connect();
	}

}

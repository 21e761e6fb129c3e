package io.prometheusrelay.benchmarks;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.loadclients.LoadClients;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.rsocket.transport.netty.client.TcpClientTransport;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

/** The proxy benchmark's load with this project's client (HPKE with this proxy). Arguments as {@link LoadClients}. */
public final class RelayLoadClients implements LoadClients.ClientLibrary {

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
		return TcpClientTransport.create(TcpClient.newConnection().host(host).port(port));
	}

	@Override
	public void connect(MeterRegistry registry, String host, int port, Runnable onKeyReceived) {
		PrometheusRSocketClient.build((PrometheusMeterRegistry) registry, transport(host, port))
			.retry(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)))
			.doOnKeyReceived(onKeyReceived)
			.connect();
	}

}

package io.prometheusrelay.compat;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.micrometer.prometheus.rsocket.PrometheusRSocketClient;
import io.prometheusrelay.loadclients.LoadClients;
import io.rsocket.transport.netty.client.TcpClientTransport;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

/** The proxy benchmark's load with micrometer's published client 1.5.3. Arguments as {@link LoadClients}. */
public final class MicrometerLoadClients implements LoadClients.ClientLibrary {

	public static void main(String[] args) throws InterruptedException {
		LoadClients.run(args, new MicrometerLoadClients());
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

package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.GoPeer;
import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.testsupport.RealPeers;

import static org.awaitility.Awaitility.await;

/**
 * A real Consul agent ({@code consul agent -dev}) on free loopback ports, built from HashiCorp's Go
 * module (see {@link GoPeer}).
 */
final class ConsulAgent implements AutoCloseable {

	private static final HttpClient http = HttpClient.newHttpClient();

	private final ManagedProcess process;

	private final int httpPort;

	private final int dnsPort;

	private ConsulAgent(ManagedProcess process, int httpPort, int dnsPort) {
		this.process = process;
		this.httpPort = httpPort;
		this.dnsPort = dnsPort;
	}

	static void assumeBuilt() {
		RealPeers.requireBuilt(GoPeer.CONSUL);
	}

	static ConsulAgent start(Path workDir) {
		int httpPort = FreePorts.next();
		int dnsPort = FreePorts.next();
		String ports = "ports { http = %d, dns = %d, server = %d, serf_lan = %d, serf_wan = %d, grpc = -1, grpc_tls = -1 }"
			.formatted(httpPort, dnsPort, FreePorts.next(), FreePorts.next(), FreePorts.next());
		ManagedProcess process = ManagedProcess.start("consul", List.of(GoPeer.CONSUL.binary().toString(), "agent", "-dev",
				"-bind=127.0.0.1", "-client=127.0.0.1", "-log-level=warn", "-hcl", ports), workDir);
		ConsulAgent agent = new ConsulAgent(process, httpPort, dnsPort);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!process.isAlive()) {
				throw new IllegalStateException("consul exited:\n" + process.tail(30));
			}
			return agent.get("/v1/status/leader").matches("\"[^\"]+\"");
		});
		return agent;
	}

	int httpPort() {
		return this.httpPort;
	}

	int dnsPort() {
		return this.dnsPort;
	}

	/** The arguments that point a pipeline service at this agent. */
	List<String> serviceArgs() {
		return serviceArgs("127.0.0.1");
	}

	/**
	 * The arguments that point a pipeline service listening on {@code address} at this agent: it
	 * registers that address, not the machine's first one.
	 */
	List<String> serviceArgs(String address) {
		return List.of("--spring.profiles.active=consul", "--spring.cloud.consul.host=127.0.0.1",
				"--spring.cloud.consul.port=" + this.httpPort, "--spring.cloud.consul.discovery.ip-address=" + address);
	}

	String get(String path) {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (Exception ex) {
			return "";
		}
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(10));
	}

}

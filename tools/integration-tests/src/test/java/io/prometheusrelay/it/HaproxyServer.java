package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.testsupport.RealPeers;

import static org.awaitility.Awaitility.await;

/**
 * Debian's {@code haproxy} running one of the repository's configs on free ports:
 * {@code deploy/haproxy/haproxy-static.cfg} (two fixed api-servers) or {@code deploy/haproxy/haproxy.cfg} (the
 * api-servers Consul's DNS lists).
 */
final class HaproxyServer implements AutoCloseable {

	static final String BINARY = "/usr/sbin/haproxy";

	private static final HttpClient http = HttpClient.newHttpClient();

	private final ManagedProcess process;

	private final int port;

	private final int statsPort;

	private HaproxyServer(ManagedProcess process, int port, int statsPort) {
		this.process = process;
		this.port = port;
		this.statsPort = statsPort;
	}

	static void assumeInstalled() {
		RealPeers.require(Files.isExecutable(Path.of(BINARY)),
				"Debian's haproxy package is not installed (apt-get install -y haproxy); .ci/run installs it");
	}

	/** haproxy-static.cfg in front of two api-servers, given as (gRPC port, actuator port) pairs. */
	static HaproxyServer inFrontOf(int grpc1, int check1, int grpc2, int check2, Path workDir) {
		return inFrontOf(grpc1, check1, grpc2, check2, Map.of(), workDir);
	}

	/** The same, with the config's TLS variables (HAPROXY_TLS_PEM, API_SERVER_CA, ...). */
	static HaproxyServer inFrontOf(int grpc1, int check1, int grpc2, int check2, Map<String, String> tls,
			Path workDir) {
		Map<String, String> environment = new HashMap<>(tls);
		environment.putAll(Map.of("API_SERVER_1", "127.0.0.1:" + grpc1, "API_SERVER_2", "127.0.0.1:" + grpc2,
				"API_SERVER_1_CHECK_PORT", Integer.toString(check1), "API_SERVER_2_CHECK_PORT", Integer.toString(check2)));
		return start("haproxy-static.cfg", environment, 2, workDir);
	}

	/**
	 * haproxy.cfg, resolving the api-servers from the Consul DNS server on {@code dnsPort}; returns
	 * once {@code servers} of them pass their checks on {@code checkPort}.
	 */
	static HaproxyServer overConsul(int dnsPort, int checkPort, int servers, Path workDir) {
		return start("haproxy.cfg", Map.of("DNS_SERVER", "127.0.0.1:" + dnsPort, "API_SERVER_CHECK_PORT",
				Integer.toString(checkPort)), servers, workDir);
	}

	private static HaproxyServer start(String config, Map<String, String> backends, int servers, Path workDir) {
		assumeInstalled();
		int port = FreePorts.next();
		int statsPort = FreePorts.next();
		Map<String, String> environment = new HashMap<>(backends);
		environment.put("HAPROXY_BIND", "127.0.0.1:" + port);
		environment.put("HAPROXY_STATS", "127.0.0.1:" + statsPort);
		// -db: stay in the foreground, so the PID is HAProxy's and stopping it stops it.
		ManagedProcess process = ManagedProcess.start("haproxy",
				List.of(BINARY, "-db", "-f", config(config).toString()), environment, workDir);
		HaproxyServer server = new HaproxyServer(process, port, statsPort);
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("haproxy exited:\n" + process.tail(20));
				}
				return server.serversPassingChecks().size() == servers;
			});
		}
		catch (RuntimeException ex) {
			// Not yet handed to the test's closeables: stop it here, or it outlives the test.
			process.stop(Duration.ofSeconds(10));
			throw new IllegalStateException("HAProxy never had " + servers + " api-servers passing checks:\n"
					+ process.tail(20), ex);
		}
		return server;
	}

	/** A config of this repository (tests run in the module's directory). */
	static Path config(String name) {
		return Repository.path("deploy/haproxy/" + name);
	}

	int port() {
		return this.port;
	}

	/** A server's status as HAProxy's health checks see it: UP, DOWN, "UP 1/2"... */
	String serverStatus(String server) {
		return apiServerStats().stream()
			.filter(fields -> fields[1].equals(server))
			.map(fields -> fields[17])
			.findFirst()
			.orElse("");
	}

	/**
	 * The api-servers whose last health check passed. Status alone is not enough: HAProxy marks a
	 * server it has just resolved UP before its first check has run.
	 */
	List<String> serversPassingChecks() {
		return apiServerStats().stream()
			.filter(fields -> fields[17].startsWith("UP") && fields[36].startsWith("L7OK"))
			.map(fields -> fields[1])
			.toList();
	}

	/** The api_servers backend's server rows of the stats CSV (field 17: status, 36: check status). */
	private List<String[]> apiServerStats() {
		try {
			String csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.statsPort + "/stats;csv"))
				.build(), HttpResponse.BodyHandlers.ofString()).body();
			return csv.lines()
				.map(line -> line.split(",", -1))
				.filter(fields -> fields.length > 36 && fields[0].equals("api_servers") && !fields[1].equals("BACKEND"))
				.toList();
		}
		catch (Exception ex) {
			return List.of();
		}
	}

	String tail(int lines) {
		return this.process.tail(lines);
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(10));
	}

}

package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.testsupport.FreePorts;
import io.prometheusrelay.testsupport.ManagedProcess;
import org.junit.jupiter.api.Assumptions;

import static org.awaitility.Awaitility.await;

/** Debian's {@code haproxy} running the repository's {@code haproxy/haproxy-static.cfg}, on free ports. */
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
		Assumptions.assumeTrue(Files.isExecutable(Path.of(BINARY)),
				"Debian's haproxy package is not installed (apt-get install -y haproxy); .ci/run installs it");
	}

	/** In front of two api-servers, given as (gRPC port, actuator port) pairs. */
	static HaproxyServer inFrontOf(int grpc1, int check1, int grpc2, int check2, Path workDir) {
		assumeInstalled();
		int port = FreePorts.next();
		int statsPort = FreePorts.next();
		Map<String, String> environment = Map.of("HAPROXY_BIND", "127.0.0.1:" + port, "HAPROXY_STATS",
				"127.0.0.1:" + statsPort, "API_SERVER_1", "127.0.0.1:" + grpc1, "API_SERVER_2", "127.0.0.1:" + grpc2,
				"API_SERVER_1_CHECK_PORT", Integer.toString(check1), "API_SERVER_2_CHECK_PORT", Integer.toString(check2));
		// -db: stay in the foreground, so the PID is HAProxy's and stopping it stops it.
		ManagedProcess process = ManagedProcess.start("haproxy",
				List.of(BINARY, "-db", "-f", config().toString()), environment, workDir);
		HaproxyServer server = new HaproxyServer(process, port, statsPort);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("haproxy exited:\n" + process.tail(20));
				}
				return server.serverStatus("api-server-1").startsWith("UP")
						&& server.serverStatus("api-server-2").startsWith("UP");
			});
		}
		catch (RuntimeException ex) {
			// Not yet handed to the test's closeables: stop it here, or it outlives the test.
			process.stop(Duration.ofSeconds(10));
			throw ex;
		}
		return server;
	}

	/** The static config of this repository (tests run in the module's directory). */
	static Path config() {
		return Path.of("..", "haproxy", "haproxy-static.cfg").toAbsolutePath().normalize();
	}

	int port() {
		return this.port;
	}

	/** A server's status as HAProxy's health checks see it: UP, DOWN, "UP 1/2"... */
	String serverStatus(String server) {
		try {
			String csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.statsPort + "/stats;csv"))
				.build(), HttpResponse.BodyHandlers.ofString()).body();
			for (String line : csv.split("\n")) {
				String[] fields = line.split(",");
				if (fields.length > 17 && fields[0].equals("api_servers") && fields[1].equals(server)) {
					return fields[17];
				}
			}
			return "";
		}
		catch (Exception ex) {
			return "";
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

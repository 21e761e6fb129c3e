package io.prometheusrelay.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.prometheusrelay.harness.ManagedProcess;

import static org.awaitility.Awaitility.await;

/**
 * One pipeline service in its own JVM, started from this module's test classpath, as a user would
 * run its jar: so it can be killed with SIGKILL, and its heap is its own.
 */
final class ServiceProcess implements AutoCloseable {

	/** The RSocket half's artifacts, by the directory names their classes and jars sit under. */
	private static final Set<String> RSOCKET_HALF = Set.of("rsocket-wire", "rsocket-client", "proxy-server",
			"spring-autoconfigure", "demo-app");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final String mainClass;

	private final List<String> args;

	private final String address;

	private static final String MANAGEMENT_PORT = "--management.server.port=";

	private final int httpPort;

	private final Path logDir;

	private ManagedProcess process;

	ServiceProcess(String name, Class<?> mainClass, int httpPort, Path logDir, List<String> args) {
		this(name, mainClass, "127.0.0.1", httpPort, logDir, args);
	}

	/** Listening on {@code address}: any of 127.0.0.0/8, so instances can share ports as hosts do. */
	ServiceProcess(String name, Class<?> mainClass, String address, int httpPort, Path logDir, List<String> args) {
		this.name = name;
		this.mainClass = mainClass.getName();
		this.address = address;
		this.httpPort = httpPort;
		this.logDir = logDir;
		this.args = List.copyOf(args);
	}

	ServiceProcess start() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-XX:+UseParallelGC");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-Dio.netty.leakDetection.level=paranoid");
		command.add("-cp");
		command.add(classpath());
		command.add(this.mainClass);
		command.add("--server.port=" + this.httpPort);
		command.add("--server.address=" + this.address);
		command.addAll(this.args);
		this.process = ManagedProcess.start(this.name, command, this.logDir);
		return this;
	}

	ServiceProcess awaitHealthy(Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited:\n" + this.process.tail(40));
			}
			return isHealthy();
		});
		return this;
	}

	boolean isHealthy() {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create(url("/actuator/health"))).timeout(Duration.ofSeconds(2)).build(),
					HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().contains("\"UP\"");
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** The service's own metrics in the Prometheus text format. */
	String metrics() throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url("/actuator/prometheus"))).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

	/** Its actuator's URL for {@code path}: on management.server.port when the arguments set one (a TLS server port). */
	String url(String path) {
		int port = this.args.stream()
			.filter(arg -> arg.startsWith(MANAGEMENT_PORT))
			.map(arg -> Integer.parseInt(arg.substring(MANAGEMENT_PORT.length())))
			.findFirst()
			.orElse(this.httpPort);
		return "http://" + this.address + ":" + port + path;
	}

	int httpPort() {
		return this.httpPort;
	}

	String tail(int lines) {
		return this.process.tail(lines);
	}

	/** SIGKILL: no shutdown hooks, no flush. */
	void kill() {
		this.process.kill();
	}

	void stop() {
		this.process.stop(Duration.ofSeconds(20));
	}

	@Override
	public void close() {
		if (this.process != null) {
			this.process.stop(Duration.ofSeconds(20));
		}
	}

	/**
	 * This module's test classpath without the RSocket half, which a pipeline service's jar does not
	 * have either: with the starter on it, every service would dial a proxy. Surefire hides the real
	 * classpath behind a manifest jar; it publishes it in this property.
	 */
	static String classpath() {
		String classpath = System.getProperty("surefire.test.class.path");
		classpath = (classpath != null && !classpath.isBlank()) ? classpath.replace(';', File.pathSeparatorChar)
				: System.getProperty("java.class.path");
		return Arrays.stream(classpath.split(File.pathSeparator))
			.filter(entry -> !isRSocketHalf(Path.of(entry)))
			.collect(Collectors.joining(File.pathSeparator));
	}

	/** A module of the RSocket half: its {@code rsocket/<module>/target/...}, or its jar in a Maven repository. */
	private static boolean isRSocketHalf(Path entry) {
		for (Path part : entry) {
			if (RSOCKET_HALF.contains(part.toString())) {
				return true;
			}
		}
		return false;
	}

}

package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.GoPeer;
import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.harness.TestPki;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The processes one benchmark run measures, started fresh for the run and stopped after it.
 * Longer than this project's usual 300 lines on purpose: one factory per system the benchmarks
 * compare (the pipeline, the receiver alone, the api-servers alone, Prometheus 2 and 3 as
 * receivers), so that every system is started, health-checked, measured and stopped by the same
 * code.
 */
final class SystemUnderTest implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();

	private final List<AutoCloseable> inProcess = new ArrayList<>();

	private String writeUrl;

	/** Where the first store keeps what it was sent (an api-server's segments, Prometheus's TSDB), or null. */
	private @Nullable Path storage;

	/** JVM options of every service process (heap, profiling). */
	private final List<String> jvmArgs;

	/** Stops what this run started when the benchmark itself is stopped (Ctrl-C, SIGTERM) mid-run. */
	private final Thread stopOnExit = new Thread(this::stopProcesses, "benchmark-stop-on-exit");

	/** The test CA every service's certificate comes from, or {@code null}: plain TCP. */
	private final @Nullable TestPki pki;

	private SystemUnderTest(List<String> jvmArgs) {
		this(jvmArgs, null);
	}

	private SystemUnderTest(List<String> jvmArgs, @Nullable TestPki pki) {
		this.jvmArgs = List.copyOf(jvmArgs);
		this.pki = pki;
		Runtime.getRuntime().addShutdownHook(this.stopOnExit);
	}

	/** Prometheus 2.42's own receiver (Debian's): {@code prometheus --web.enable-remote-write-receiver}. */
	static SystemUnderTest prometheusReceiver(Path workDir) throws IOException {
		return prometheusReceiver(workDir, "prometheus", List.of());
	}

	/**
	 * Prometheus v3.5.0's receiver, built from its Go module by {@code scripts/build-go-peers.sh
	 * prometheus} (or {@code PROMETHEUS_BINARY}): both remote-write versions, and native histograms on.
	 */
	static SystemUnderTest prometheus3Receiver(Path workDir) throws IOException {
		if (!GoPeer.PROMETHEUS.isBuilt()) {
			throw new IllegalStateException(GoPeer.PROMETHEUS.howToBuild());
		}
		return prometheusReceiver(workDir, GoPeer.PROMETHEUS.binary().toString(),
				List.of("--enable-feature=native-histograms"));
	}

	private static SystemUnderTest prometheusReceiver(Path workDir, String binary, List<String> flags)
			throws IOException {
		SystemUnderTest system = new SystemUnderTest(List.of());
		int port = FreePorts.next();
		Path config = workDir.resolve("prometheus.yml");
		Files.writeString(config, "global:\n  scrape_interval: 1m\n");
		List<String> command = new ArrayList<>(List.of(binary, "--web.enable-remote-write-receiver",
				"--config.file=" + config, "--storage.tsdb.path=" + workDir.resolve("tsdb"),
				"--web.listen-address=127.0.0.1:" + port));
		command.addAll(flags);
		system.start("prometheus", workDir, command);
		system.awaitHttp("prometheus", "http://127.0.0.1:" + port + "/-/ready");
		system.writeUrl = "http://127.0.0.1:" + port + "/api/v1/write";
		system.storage = workDir.resolve("tsdb");
		return system;
	}

	/** receiver -> forwarder -> two api-servers, durable before ACK (fsync per group). */
	static SystemUnderTest pipeline(Path repo, Path workDir, List<String> jvmArgs) throws IOException {
		return pipeline(repo, workDir, jvmArgs, null);
	}

	/**
	 * The same; with {@code pki}, mutual TLS on every hop, as a secured deployment runs it: HTTPS
	 * with client certificates into the receiver, TLS with client certificates on both relay hops.
	 */
	static SystemUnderTest pipeline(Path repo, Path workDir, List<String> jvmArgs, @Nullable TestPki pki)
			throws IOException {
		SystemUnderTest system = new SystemUnderTest(jvmArgs, pki);
		List<Integer> relayPorts = new ArrayList<>();
		for (int i = 1; i <= 2; i++) {
			int relayPort = FreePorts.next();
			int httpPort = FreePorts.next();
			List<String> args = new ArrayList<>(List.of("--relay.api-server.relay.port=" + relayPort,
					"--relay.api-server.relay.host=127.0.0.1",
					"--relay.api-server.store.data-dir=" + workDir.resolve("api-server-" + i),
					"--relay.api-server.store.fsync=batch", "--relay.api-server.grpc.port=" + FreePorts.next(),
					"--relay.api-server.grpc.host=127.0.0.1"));
			args.addAll(system.tls("api-server-" + i, "--relay.api-server.relay.ssl.bundle=relay",
					"--relay.api-server.relay.ssl.client-auth=need"));
			system.startJava("api-server-" + i, repo, "api-server", workDir, httpPort, args.toArray(String[]::new));
			relayPorts.add(relayPort);
		}
		system.startReceiver(repo, workDir, system.startForwarder(repo, workDir, relayPorts));
		system.awaitAllHealthy();
		system.storage = workDir.resolve("api-server-1");
		return system;
	}

	/**
	 * receiver -> forwarder (its hand-off on, as in the pipeline) -> two relay servers in this JVM
	 * that ACK every batch at once: the pipeline with api-servers whose storage costs nothing, so
	 * the most that any storage in the api-servers could let the pipeline take on this machine.
	 */
	static SystemUnderTest relayOnly(Path repo, Path workDir, List<String> jvmArgs) throws IOException {
		SystemUnderTest system = new SystemUnderTest(jvmArgs);
		List<Integer> relayPorts = new ArrayList<>();
		for (int i = 1; i <= 2; i++) {
			relayPorts.add(system.ackingRelayServer("acking-api-server-" + i, null).port());
		}
		system.startReceiver(repo, workDir, system.startForwarder(repo, workDir, relayPorts));
		system.awaitAllHealthy();
		return system;
	}

	/** Starts the forwarder, fanning out to the relay servers on {@code targetRelayPorts}; returns its relay port. */
	private int startForwarder(Path repo, Path workDir, List<Integer> targetRelayPorts) throws IOException {
		List<String> args = new ArrayList<>();
		for (int i = 0; i < targetRelayPorts.size(); i++) {
			args.add("--spring.cloud.discovery.client.simple.instances.api-server[" + i + "].uri=http://127.0.0.1:"
					+ targetRelayPorts.get(i));
		}
		int relayPort = FreePorts.next();
		args.add("--relay.forwarder.relay.port=" + relayPort);
		args.add("--relay.forwarder.relay.host=127.0.0.1");
		args.add("--relay.forwarder.handoff.dir=" + workDir.resolve("forwarder"));
		args.addAll(tls("forwarder", "--relay.forwarder.relay.ssl.bundle=relay",
				"--relay.forwarder.relay.ssl.client-auth=need", "--relay.forwarder.targets.client.ssl.bundle=relay"));
		startJava("forwarder", repo, "forwarder", workDir, FreePorts.next(), args.toArray(String[]::new));
		return relayPort;
	}

	/** Nothing started yet: the caller starts api-servers one by one ({@link #startApiServer}). */
	static SystemUnderTest apiServersOnly(List<String> jvmArgs) {
		return new SystemUnderTest(jvmArgs);
	}

	/**
	 * Starts an api-server on loopback with its data in {@code workDir/<name>}, and waits until it is
	 * healthy; {@code extraArgs} come after its own.
	 */
	void startApiServer(String name, Path repo, Path workDir, int relayPort, int grpcPort, List<String> extraArgs)
			throws IOException {
		List<String> args = new ArrayList<>(List.of("--relay.api-server.relay.port=" + relayPort,
				"--relay.api-server.relay.host=127.0.0.1", "--relay.api-server.store.data-dir=" + workDir.resolve(name),
				"--relay.api-server.grpc.port=" + grpcPort, "--relay.api-server.grpc.host=127.0.0.1"));
		args.addAll(extraArgs);
		startJava(name, repo, "api-server", workDir, FreePorts.next(), args.toArray(String[]::new));
		awaitHttp(name, "http://127.0.0.1:" + this.httpPorts.get(name) + "/actuator/health");
	}

	/** The receiver alone, relaying to a forwarder (in this JVM) that ACKs every batch at once. */
	static SystemUnderTest receiverAlone(Path repo, Path workDir, List<String> jvmArgs) throws IOException {
		return receiverAlone(repo, workDir, jvmArgs, null);
	}

	/** The same; with {@code pki}, HTTPS with client certificates in, and mutual TLS to the forwarder. */
	static SystemUnderTest receiverAlone(Path repo, Path workDir, List<String> jvmArgs, @Nullable TestPki pki)
			throws IOException {
		SystemUnderTest system = new SystemUnderTest(jvmArgs, pki);
		system.startReceiver(repo, workDir, system.ackingRelayServer("acking-forwarder", pki).port());
		system.awaitAllHealthy();
		return system;
	}

	/** A relay server in this JVM that ACKs every batch at once (with {@code pki}, mutual TLS); stopped with the run. */
	private RelayServer ackingRelayServer(String name, @Nullable TestPki pki) throws IOException {
		SslContext tls = null;
		if (pki != null) {
			TestPki.Issued keys = pki.issue(name);
			tls = SslContextBuilder.forServer(keys.certificate().toFile(), keys.privateKey().toFile())
				.trustManager(pki.caCertificate().toFile())
				.clientAuth(ClientAuth.REQUIRE)
				.build();
		}
		RelayServer acking = RelayServer.start(new RelayServerOptions(name, "127.0.0.1", 0, 256 << 20, 1024,
				Duration.ofMinutes(5), Duration.ofSeconds(5), tls), batch -> Mono.just(BatchOutcome.ack()),
				new SimpleMeterRegistry());
		this.inProcess.add(acking);
		return acking;
	}

	private void startReceiver(Path repo, Path workDir, int forwarderPort) throws IOException {
		int httpPort = FreePorts.next();
		int managementPort = FreePorts.next();
		List<String> args = new ArrayList<>(List.of(
				"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:" + forwarderPort));
		// Health and metrics on a plain port of their own, as a secured deployment probes them.
		args.addAll(tls("remote-receiver", "--server.ssl.bundle=relay", "--server.ssl.client-auth=need",
				"--management.server.port=" + managementPort, "--management.server.ssl.enabled=false",
				"--relay.receiver.forwarders.client.ssl.bundle=relay"));
		startJava("remote-receiver", repo, "remote-receiver", workDir, httpPort, args.toArray(String[]::new));
		if (this.pki != null) {
			this.httpPorts.put("remote-receiver", managementPort);
		}
		this.writeUrl = ((this.pki != null) ? "https" : "http") + "://127.0.0.1:" + httpPort + "/api/v1/write";
	}

	/**
	 * With TLS on, an SSL bundle "relay" with a certificate of {@code service}'s own and the test CA,
	 * and {@code settings}; with TLS off, nothing.
	 */
	private List<String> tls(String service, String... settings) {
		if (this.pki == null) {
			return List.of();
		}
		List<String> args = new ArrayList<>(this.pki.bundleArguments("relay", this.pki.issue(service)));
		args.addAll(List.of(settings));
		return args;
	}

	/** The load generator's TLS context (its own certificate, the test CA), or {@code null} when TLS is off. */
	@Nullable SSLContext clientTls() {
		return (this.pki != null) ? TestPki.sslContext(this.pki.caCertificate(), this.pki.issue("load-generator")) : null;
	}

	private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

	private final HttpClient scrapes = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private void startJava(String name, Path repo, String module, Path workDir, int httpPort, String... args)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		for (String arg : this.jvmArgs) {
			command.add(arg.replace("{name}", name));
		}
		command.addAll(List.of("-jar", execJar(repo, module).toString(), "--server.port=" + httpPort,
				"--server.address=127.0.0.1"));
		command.addAll(List.of(args));
		start(name, workDir, command);
		this.httpPorts.put(name, httpPort);
	}

	private final Map<String, List<String>> commands = new LinkedHashMap<>();

	private Path logDir;

	private void start(String name, Path workDir, List<String> command) {
		this.logDir = workDir.resolve("logs");
		this.commands.put(name, List.copyOf(command));
		this.processes.put(name, ManagedProcess.start(name, command, this.logDir));
	}

	/** Stops one process (SIGTERM, as an orchestrator does), leaving the others running. */
	void stop(String name) {
		this.processes.get(name).stop(Duration.ofSeconds(30));
	}

	/** Starts a stopped process again with the same command, and waits until it is healthy. */
	void restart(String name) {
		this.processes.put(name, ManagedProcess.start(name, this.commands.get(name), this.logDir));
		awaitHttp(name, "http://127.0.0.1:" + this.httpPorts.get(name) + "/actuator/health");
	}

	/** The last {@code lines} lines one process logged. */
	String tail(String name, int lines) {
		return this.processes.get(name).tail(lines);
	}

	/**
	 * One process's own metrics, in the Prometheus text format. Over HTTP/1.1: a client that offers
	 * the upgrade to HTTP/2 on every request failed after some hundred scrapes of one api-server with
	 * "Frame type(105) ... exceeds MAX_FRAME_SIZE", reading the HTTP/1.1 answer as frames.
	 */
	String metrics(String name) throws IOException, InterruptedException {
		return this.scrapes
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPorts.get(name) + "/actuator/prometheus"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private void awaitAllHealthy() {
		this.httpPorts.forEach((name, port) -> awaitHttp(name, "http://127.0.0.1:" + port + "/actuator/health"));
	}

	private void awaitHttp(String name, String url) {
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			ManagedProcess process = this.processes.get(name);
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited:\n" + process.tail(30));
			}
			try {
				if (http.send(HttpRequest.newBuilder(URI.create(url)).build(),
						java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep(Duration.ofMillis(250));
		}
		throw new IllegalStateException(name + " did not answer " + url + " within " + STARTUP);
	}

	static Path execJar(Path repo, String module) throws IOException {
		Path target = moduleDir(repo, module).resolve("target");
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
			for (Path jar : jars) {
				return jar;
			}
		}
		throw new IllegalStateException("No " + module + " exec jar in " + target
				+ "; build first: ./mvnw -DskipTests install");
	}

	/**
	 * A module's directory in {@code repo}: under {@code pipeline/}, {@code rsocket/} or {@code tools/}, or at the top
	 * in a checkout from before that layout (a baseline commit).
	 */
	static Path moduleDir(Path repo, String module) {
		for (String folder : List.of("pipeline", "rsocket", "tools", "")) {
			Path dir = repo.resolve(folder).resolve(module);
			if (Files.isRegularFile(dir.resolve("pom.xml"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No module " + module + " in " + repo);
	}

	/**
	 * Batches each api-server has stored, from its own {@code relay_store_batches_total}; empty when
	 * the system has no api-server.
	 */
	Map<String, Long> storedBatches() throws IOException, InterruptedException {
		Map<String, Long> stored = new LinkedHashMap<>();
		for (String service : this.httpPorts.keySet()) {
			if (!service.startsWith("api-server")) {
				continue;
			}
			for (String line : metrics(service).split("\n")) {
				if (line.startsWith("relay_store_batches_total{")) {
					stored.put(service, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
				}
			}
		}
		return stored;
	}

	String writeUrl() {
		return this.writeUrl;
	}

	/** Bytes on disk of the first store (every file under its directory), or -1 when there is none. */
	long storedBytes() throws IOException {
		if (this.storage == null) {
			return -1;
		}
		try (var files = Files.walk(this.storage)) {
			return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
		}
	}

	/** Name and PID of each measured process. */
	Map<String, Long> pids() {
		Map<String, Long> pids = new LinkedHashMap<>();
		this.processes.forEach((name, process) -> pids.put(name, process.pid()));
		return pids;
	}

	Map<String, ProcessStats> stats() {
		Map<String, ProcessStats> stats = new LinkedHashMap<>();
		pids().forEach((name, pid) -> {
			try {
				stats.put(name, ProcessStats.of(pid));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		return stats;
	}

	@Override
	public void close() throws Exception {
		Runtime.getRuntime().removeShutdownHook(this.stopOnExit);
		stopProcesses();
		for (AutoCloseable closeable : this.inProcess) {
			closeable.close();
		}
	}

	/** Stops every process, newest first, each by its PID. */
	private void stopProcesses() {
		List<String> names = new ArrayList<>(this.processes.keySet());
		for (int i = names.size() - 1; i >= 0; i--) {
			this.processes.get(names.get(i)).stop(Duration.ofSeconds(20));
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

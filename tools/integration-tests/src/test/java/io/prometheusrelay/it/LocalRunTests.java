package io.prometheusrelay.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.testsupport.RealPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's first command, {@code scripts/run-local.sh}, as a newcomer runs it: within a minute
 * Prometheus has the demo application's series (scraped through the RSocket proxy) and grpc-client,
 * on the script's output, follows series that Prometheus remote-wrote; stopping it stops everything.
 * What it starts ({@code --plan}) follows the {@link DeploymentRules}, each process on ports of its
 * own.
 */
class LocalRunTests {


	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path state;

	@Test
	void startsTheWholeSuiteAndStopsEveryProcessItStarted() throws Exception {
		RealPeers.require(onPath("prometheus") && onPath("haproxy"),
				"Debian's prometheus and haproxy are needed (apt-get install prometheus haproxy)");
		for (String module : List.of("remote-receiver", "forwarder", "api-server", "grpc-client", "proxy-server", "demo-app")) {
			assertThat(hasExecJar(module)).as(module + " built (./mvnw install builds every exec jar)").isTrue();
		}
		ManagedProcess run = ManagedProcess.start("run-local",
				List.of("bash", Repository.path("scripts/run-local.sh").toString()), Map.of("RUN_LOCAL_STATE", this.state.toString()),
				this.state);
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				assertThat(run.isAlive()).as(run.tail(30)).isTrue();
				assertThat(query("demo_orders_total{application=\"demo-app\",job=\"rsocket-connected\"}"))
					.contains("\"__name__\":\"demo_orders_total\"");
				// grpc-client --mode=follow on the script's output: what Prometheus remote-wrote, read back through HAProxy.
				assertThat(run.tail(400)).containsPattern("(?m)^up\\{instance=\"127\\.0\\.0\\.1:\\d+\",job=\"[a-z-]+\"} 1\\.0 \\d+$");
			});
		}
		finally {
			List<String> pids = Files.exists(this.state.resolve("pids")) ? Files.readAllLines(this.state.resolve("pids"))
					: List.of();
			run.stop(Duration.ofSeconds(60));
			assertThat(pids).hasSizeGreaterThanOrEqualTo(9);
			for (String line : pids) {
				long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
				assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as(line + " still running").isFalse();
			}
		}
	}

	@Test
	void itsPlanFollowsTheDeploymentRulesWithEveryProcessOnPortsOfItsOwn() throws Exception {
		List<DeployedProcess> plan = plan();
		assertThat(plan).extracting(DeployedProcess::name)
			.contains("api-server-1", "api-server-2", "forwarder", "remote-receiver", "haproxy", "prometheus",
					"grpc-client", "proxy-server", "demo-app");
		DeploymentRules.check(plan, Topology.of(plan));
		assertThat(plan.stream().flatMap(process -> process.listening().stream())).doesNotHaveDuplicates();
		PrometheusServer.checkConfig(this.state.resolve("prometheus.yml"));
	}

	/**
	 * What {@code run-local.sh --plan} prints, one process a line ("name, then its command", tab
	 * separated): {@code env} assignments as its environment; a Java application by its exec jar's
	 * module; every file an argument names (Prometheus's and HAProxy's configuration) as a text.
	 */
	private List<DeployedProcess> plan() throws Exception {
		assertThat(runScript(Repository.path("scripts/run-local.sh"), this.state.resolve("plan"), this.state, "--plan"))
			.isZero();
		List<DeployedProcess> plan = new ArrayList<>();
		for (String line : Files.readAllLines(this.state.resolve("plan"))) {
			List<String> command = new ArrayList<>(List.of(line.split("\t")));
			String name = command.remove(0);
			Map<String, String> environment = new LinkedHashMap<>();
			if (command.get(0).equals("env")) {
				command.remove(0);
				while (command.get(0).contains("=")) {
					String assignment = command.remove(0);
					environment.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
				}
			}
			String image = command.get(0).equals("prometheus") ? "prom/prometheus" : command.get(0);
			int jar = command.indexOf("-jar");
			if (jar >= 0) {
				String file = Path.of(command.get(jar + 1)).getFileName().toString();
				image = DeployedProcess.OURS + file.replaceFirst("-exec\\.jar$", "").replaceFirst("-\\d.*$", "");
			}
			List<String> args = command.subList((jar >= 0) ? jar + 2 : 1, command.size());
			List<String> texts = new ArrayList<>();
			for (String argument : args) {
				Path file = Repository.root().resolve(argument.substring(argument.indexOf('=') + 1));
				if (Files.isRegularFile(file)) {
					texts.add(Files.readString(file));
				}
			}
			plan.add(new DeployedProcess(name, "127.0.0.1", image, environment, List.copyOf(args), null, List.of(), texts));
		}
		return plan;
	}

	/** The README's promise for a fresh checkout: the first run builds before it starts anything. */
	@Test
	void buildsFirstOnAFreshCheckout() throws Exception {
		Path fresh = this.state.resolve("fresh");
		Files.createDirectories(fresh.resolve("scripts"));
		Path script = Files.copy(Repository.path("scripts/run-local.sh"), fresh.resolve("scripts/run-local.sh"));
		// A Maven wrapper that says how it was called and fails, so that the script stops there.
		Path mvnw = Files.writeString(fresh.resolve("mvnw"), "#!/bin/sh\necho \"mvnw $*\"\nexit 3\n");
		assertThat(mvnw.toFile().setExecutable(true)).isTrue();
		Path output = this.state.resolve("fresh.log");
		assertThat(runScript(script, output, fresh.resolve("state"))).isEqualTo(3);
		assertThat(Files.readString(output)).contains("Building (first run only)...", "mvnw -B -q -DskipTests install");
	}

	/** Runs the script to its end, within a minute: its standard output to {@code output}, its state in {@code stateDir}. */
	private static int runScript(Path script, Path output, Path stateDir, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("bash", script.toString()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
			.redirectOutput(output.toFile());
		builder.environment().put("RUN_LOCAL_STATE", stateDir.toString());
		Process started = builder.start();
		try {
			assertThat(started.waitFor(60, TimeUnit.SECONDS)).as("%s finished", script).isTrue();
			return started.exitValue();
		}
		finally {
			started.destroyForcibly();
		}
	}

	private String query(String promql) throws Exception {
		String url = "http://127.0.0.1:9090/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (java.io.IOException ex) {
			return "";
		}
	}

	private static boolean hasExecJar(String module) throws Exception {
		Path target = Repository.module(module).resolve("target");
		if (!Files.isDirectory(target)) {
			return false;
		}
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
			return jars.iterator().hasNext();
		}
	}

	private static boolean onPath(String command) {
		for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, command))) {
				return true;
			}
		}
		return false;
	}

}

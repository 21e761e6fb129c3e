package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.grpc.ReadLimits;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * grpc-client, as a user runs it, prints a RANGE of 5,000,000 samples (5,000 series of 1,000) in a
 * 256 MiB heap: it prints each series as it arrives rather than holding the result, and the output
 * is still one exposition, each family's lines together.
 */
class GrpcClientPrintsALargeRangeTests {

	private static final int SERIES = 5_000;

	private static final int SAMPLES = 1_000;

	private static final long STEP = 15_000;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	@Test
	void printsFiveMillionSamplesInA256MebibyteHeap() throws Exception {
		long start = System.currentTimeMillis() - SAMPLES * STEP - 60_000;
		Tsdb store = this.closeables.add(Tsdb.open(TsdbOptions.defaults(this.workDir.resolve("store"))
			.withFsync(FsyncPolicy.NEVER), Clock.systemUTC()));
		for (int step = 0; step < SAMPLES; step++) {
			List<SeriesWrite> series = new ArrayList<>(SERIES);
			for (int i = 0; i < SERIES; i++) {
				series.add(new SeriesWrite(Labels.of("__name__", "large_range_" + (i % 50), "instance", "host-" + i, "job",
						"node"), List.of(Sample.of(start + step * STEP, step * 0.5 + i))));
			}
			store.append(new WriteBatch(new BatchId(7, step), series)).get();
		}
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0,
				new PrometheusGrpcService(store, new ReadLimits(8, 8, 8, 64, 4096, 1000, 1 << 20, 2, 64),
						new SimpleMeterRegistry()),
				Duration.ofSeconds(1), Duration.ofSeconds(1)));

		AtomicLong samples = new AtomicLong();
		Set<String> finished = new HashSet<>();
		String[] current = { null };
		List<String> apart = new ArrayList<>();
		GrpcClientProcess.stream(this.workDir, List.of("-Xmx256m"), Duration.ofMinutes(5), line -> {
			if (line.startsWith("#")) {
				return;
			}
			samples.incrementAndGet();
			String family = line.substring(0, line.indexOf('{'));
			if (!family.equals(current[0])) {
				if (current[0] != null) {
					finished.add(current[0]);
				}
				if (finished.contains(family)) {
					apart.add(family);
				}
				current[0] = family;
			}
		}, "--lb-addr=127.0.0.1:" + server.port(), "--mode=range", "--since=" + start,
				"--until=" + (start + SAMPLES * STEP), "--format=text", "--deadline=5m");
		assertThat(samples.get()).isEqualTo((long) SERIES * SAMPLES);
		assertThat(finished).hasSize(49);
		assertThat(apart).as("families whose lines came apart").isEmpty();
	}

}

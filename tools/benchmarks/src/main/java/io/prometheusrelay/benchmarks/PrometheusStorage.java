package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.model.WriteBatch;

/**
 * Prometheus v3.5 as the reference store: its own remote-write receiver fed a workload's samples,
 * by {@value #SENDERS} senders that each own a share of the series (so every series' samples arrive
 * in order, as Prometheus's receiver requires), then left to cut and merge its blocks.
 */
final class PrometheusStorage {

	private static final int SENDERS = 4;

	/** Stands for the end of the samples in a sender's queue. */
	private static final byte[] END = new byte[0];

	private PrometheusStorage() {
	}

	/**
	 * Feeds the workload to a fresh Prometheus in {@code workDir} and waits (at most 10 minutes) until
	 * its blocks hold {@code expectedBlockSamples}; returns what its data directory then holds.
	 */
	static StorageBenchmark.Result fill(StorageWorkload workload, long start, long seed, Path workDir,
			long expectedBlockSamples) throws Exception {
		Files.createDirectories(workDir);
		long began = System.nanoTime();
		try (SystemUnderTest prometheus = SystemUnderTest.prometheus3Receiver(workDir)) {
			send(new SampleGenerator(workload, start, seed), prometheus.writeUrl());
			Path data = workDir.resolve("tsdb");
			StoreFiles files = awaitBlocks(data, expectedBlockSamples);
			return new StorageBenchmark.Result(files, Double.NaN, Double.NaN, Double.NaN, 0,
					(System.nanoTime() - began) / 1e9);
		}
	}

	private static void send(SampleGenerator generator, String url) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		List<BlockingQueue<byte[]>> queues = new ArrayList<>();
		ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
		List<Future<?>> sending = new ArrayList<>();
		for (int i = 0; i < SENDERS; i++) {
			BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(16);
			queues.add(queue);
			sending.add(senders.submit(() -> {
				for (byte[] body = queue.take(); body != END; body = queue.take()) {
					post(http, url, body);
				}
				return null;
			}));
		}
		try {
			while (!generator.done()) {
				List<WriteBatch> batches = generator.nextStep(2000);
				// Batch i of every step holds the same series: always the same sender's.
				for (int i = 0; i < batches.size(); i++) {
					queues.get(i % SENDERS).put(RemoteWriteV2Encoder.encode(batches.get(i)));
				}
			}
			for (BlockingQueue<byte[]> queue : queues) {
				queue.put(END);
			}
			for (Future<?> each : sending) {
				each.get();
			}
		}
		finally {
			senders.shutdownNow();
		}
	}

	/** Posts a request until Prometheus takes it; a 4xx (a sample refused) ends the benchmark. */
	private static void post(HttpClient http, String url, byte[] body) throws Exception {
		for (int attempt = 0;; attempt++) {
			HttpResponse<String> response;
			try {
				response = http.send(HttpRequest.newBuilder(URI.create(url))
					.timeout(Duration.ofSeconds(60))
					.header("Content-Encoding", "snappy")
					.header("Content-Type", RemoteWriteFormat.V2.contentType())
					.header("X-Prometheus-Remote-Write-Version", RemoteWriteFormat.V2.versionHeader())
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				if (attempt >= 10) {
					throw ex;
				}
				Thread.sleep(500);
				continue;
			}
			if (response.statusCode() / 100 == 2) {
				return;
			}
			if (response.statusCode() / 100 == 4 || attempt >= 10) {
				throw new IllegalStateException("Prometheus answered " + response.statusCode() + ": " + response.body());
			}
			Thread.sleep(500);
		}
	}

	/** Waits until the blocks hold the samples and no block is being written; the files then. */
	private static StoreFiles awaitBlocks(Path data, long expectedBlockSamples) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		StoreFiles files = StoreFiles.of(data);
		while (System.nanoTime() < deadline) {
			files = StoreFiles.of(data);
			if (files.blockSamples() >= expectedBlockSamples && !writingBlocks(data)) {
				// A merge may follow the last cut: settled when nothing changed for a few seconds.
				Thread.sleep(5000);
				StoreFiles later = StoreFiles.of(data);
				if (later.blocks().equals(files.blocks()) && !writingBlocks(data)) {
					return later;
				}
				continue;
			}
			Thread.sleep(2000);
		}
		System.out.printf("# Prometheus's blocks hold %,d samples after 10 minutes, not %,d%n", files.blockSamples(),
				expectedBlockSamples);
		return files;
	}

	private static boolean writingBlocks(Path data) throws IOException {
		try (Stream<Path> entries = Files.list(data)) {
			return entries.anyMatch(entry -> entry.getFileName().toString().contains(".tmp"));
		}
	}

}

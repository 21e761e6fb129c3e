package io.prometheusrelay.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.model.Labels;

/** What one api-server holds: its series, read with LATEST from it alone; its blocks and {@code latest}. */
final class StoredSeries {

	private StoredSeries() {
	}

	/** Every series the api-server on {@code grpcPort} (plain gRPC) holds. */
	static Set<Labels> seriesIn(int grpcPort) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
			.usePlaintext()
			.maxInboundMessageSize(16 << 20)
			.build();
		try {
			Set<Labels> series = new HashSet<>();
			Iterator<MetricsBatch> batches = PrometheusServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(30, TimeUnit.SECONDS)
				.getMetricsBatches(GetMetricsRequest.getDefaultInstance());
			batches.forEachRemaining(batch -> batch.getTimeSeriesList()
				.stream()
				.filter(timeSeries -> !timeSeries.hasMetadata())
				.forEach(timeSeries -> series.add(key(timeSeries))));
			return series;
		}
		finally {
			channel.shutdownNow();
		}
	}

	static Labels key(TimeSeries series) {
		Map<String, String> labels = new HashMap<>();
		for (Label label : series.getLabelsList()) {
			labels.put(label.getName(), label.getValue());
		}
		return Labels.of(labels);
	}

	/**
	 * The newest block directory, by name (ULIDs sort by time), and the target of the {@code latest}
	 * link; each null while there is none.
	 */
	static Path[] newestBlockAndLatest(Path dataDir) throws IOException {
		Path newest = null;
		try (DirectoryStream<Path> blocks = Files.newDirectoryStream(dataDir,
				entry -> !Files.isSymbolicLink(entry) && Files.isDirectory(entry) && Files.exists(entry.resolve("meta.json")))) {
			for (Path block : blocks) {
				if (newest == null || block.getFileName().toString().compareTo(newest.getFileName().toString()) > 0) {
					newest = block;
				}
			}
		}
		// No link until the first block is cut.
		Path link = dataDir.resolve("latest");
		Path latest = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : null;
		return new Path[] { (newest != null) ? newest.getFileName() : null, latest };
	}

}

package io.prometheusrelay.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.apiserver.store.SegmentFiles;
import io.prometheusrelay.apiserver.store.SeriesKey;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;

/** What an api-server's data directory holds, read from its segment files as another process would. */
final class StoredSeries {

	private StoredSeries() {
	}

	static Set<SeriesKey> seriesIn(Path dataDir) throws IOException {
		Set<SeriesKey> series = new HashSet<>();
		forEachSeries(dataDir, timeSeries -> series.add(key(timeSeries)));
		return series;
	}

	/** Every stored sample as "labels@timestamp=value". */
	static Set<String> samplesIn(Path dataDir) throws IOException {
		Set<String> samples = new HashSet<>();
		forEachSeries(dataDir, timeSeries -> {
			SeriesKey key = key(timeSeries);
			for (Sample sample : timeSeries.getSamplesList()) {
				samples.add(key + "@" + sample.getTimestamp() + "=" + sample.getValue());
			}
		});
		return samples;
	}

	static SeriesKey key(TimeSeries series) {
		Map<String, String> labels = new java.util.HashMap<>();
		for (Label label : series.getLabelsList()) {
			labels.put(label.getName(), label.getValue());
		}
		return SeriesKey.of(labels);
	}

	/** The newest segment, by name, and the target of the {@code latest} link. */
	static Path[] newestAndLatest(Path dataDir) throws IOException {
		var segments = SegmentFiles.list(dataDir);
		Path newest = segments.get(segments.size() - 1).getFileName();
		Path latest = Files.readSymbolicLink(SegmentFiles.latestLink(dataDir));
		return new Path[] { newest, latest };
	}

	private static void forEachSeries(Path dataDir, java.util.function.Consumer<TimeSeries> action) throws IOException {
		if (!Files.isDirectory(dataDir)) {
			return;
		}
		SegmentFiles.forEachRecord(dataDir, record -> {
			try {
				WriteRequest.parseFrom(record).getTimeseriesList().forEach(action);
			}
			catch (InvalidProtocolBufferException ex) {
				throw new IllegalStateException("A stored record is not a WriteRequest", ex);
			}
		});
	}

}

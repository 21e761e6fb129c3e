package io.prometheusrelay.apiserver.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.jspecify.annotations.Nullable;

/**
 * An encoded {@code prometheus.WriteRequest} (a relayed batch, or what a peer sent in catching up)
 * into the engine's batch: series with their samples, histograms, exemplars and created timestamp, and
 * the metric families' metadata. Series are walked without building protobuf objects; only
 * histograms, exemplars and metadata, which are few, are parsed as messages.
 */
public final class WriteRequestDecoder {

	private WriteRequestDecoder() {
	}

	/** The batch {@code payload} carries, under its own identity. */
	public static WriteBatch decode(byte[] payload) throws InvalidProtocolBufferException {
		return decode(payload, BatchIdentity.of(payload));
	}

	/**
	 * The batch {@code payload} carries, under {@code id}.
	 * @throws InvalidProtocolBufferException if the bytes are not a well-formed WriteRequest, or a
	 * histogram, exemplar or metadata entry in it is not well formed
	 */
	public static WriteBatch decode(byte[] payload, BatchId id) throws InvalidProtocolBufferException {
		Collector collector = new Collector();
		WriteRequestReader.read(payload, collector);
		if (collector.failure != null) {
			throw collector.failure;
		}
		return new WriteBatch(id, collector.series, collector.metadata, collector.minTime, collector.maxTime);
	}

	/** Collects each series and metadata entry as the reader meets them. */
	private static final class Collector implements WriteRequestReader.Visitor {

		final List<SeriesWrite> series = new ArrayList<>();

		final List<MetricMetadata> metadata = new ArrayList<>();

		@Nullable InvalidProtocolBufferException failure;

		/** The batch's extent, as {@link WriteBatch} computes it, gathered while the series are read. */
		long minTime = Long.MAX_VALUE;

		long maxTime = Long.MIN_VALUE;

		@Override
		public void series(EncodedSeries encoded) {
			if (this.failure != null) {
				return;
			}
			try {
				this.series.add(write(encoded));
			}
			catch (InvalidProtocolBufferException ex) {
				this.failure = ex;
			}
		}

		@Override
		public void metadata(byte[] buf, int offset, int length) {
			if (this.failure != null) {
				return;
			}
			try {
				this.metadata.add(ProtoModel.metadata(io.prometheusrelay.protocol.remotewrite.MetricMetadata
					.parseFrom(ByteBuffer.wrap(buf, offset, length))));
			}
			catch (InvalidProtocolBufferException ex) {
				this.failure = ex;
			}
		}

		private SeriesWrite write(EncodedSeries encoded) throws InvalidProtocolBufferException {
			List<Sample> samples = samples(encoded);
			List<Exemplar> exemplars = (encoded.exemplarCount() == 0) ? List.of() : exemplars(encoded);
			this.minTime = Math.min(this.minTime, encoded.minTimestamp());
			this.maxTime = Math.max(this.maxTime, encoded.maxTimestamp());
			if (CanonicalLabels.canKey(encoded)) {
				// Decoded only if the store does not know the series by this key already.
				SeriesKey key = new SeriesKey(encoded.buffer(), encoded.labelsOffset(), encoded.labelsLength());
				return SeriesWrite.keyed(key, CanonicalLabels::decode, samples, exemplars, encoded.createdTimestamp());
			}
			Labels.Builder labels = Labels.builder();
			for (int i = 0; i < encoded.labelCount(); i++) {
				labels.add(encoded.name(i), encoded.value(i));
			}
			return new SeriesWrite(labels.build(), samples, exemplars, encoded.createdTimestamp());
		}

		private static List<Sample> samples(EncodedSeries encoded) throws InvalidProtocolBufferException {
			if (encoded.sampleCount() == 1 && encoded.histogramCount() == 0) {
				return List.of(Sample.of(encoded.sampleTimestamp(0), encoded.sampleValue(0)));
			}
			List<Sample> samples = new ArrayList<>(encoded.sampleCount() + encoded.histogramCount());
			for (int i = 0; i < encoded.sampleCount(); i++) {
				samples.add(Sample.of(encoded.sampleTimestamp(i), encoded.sampleValue(i)));
			}
			for (int i = 0; i < encoded.histogramCount(); i++) {
				samples.add(ProtoModel.histogram(io.prometheusrelay.protocol.remotewrite.Histogram.parseFrom(
						ByteBuffer.wrap(encoded.buffer(), encoded.histogramOffset(i), encoded.histogramLength(i)))));
			}
			return samples;
		}

		private List<Exemplar> exemplars(EncodedSeries encoded) throws InvalidProtocolBufferException {
			List<Exemplar> exemplars = new ArrayList<>(encoded.exemplarCount());
			for (int i = 0; i < encoded.exemplarCount(); i++) {
				exemplars.add(ProtoModel.exemplar(io.prometheusrelay.protocol.remotewrite.Exemplar.parseFrom(
						ByteBuffer.wrap(encoded.buffer(), encoded.exemplarOffset(i), encoded.exemplarLength(i)))));
				this.minTime = Math.min(this.minTime, encoded.exemplarTimestamp(i));
				this.maxTime = Math.max(this.maxTime, encoded.exemplarTimestamp(i));
			}
			return exemplars;
		}

	}

}

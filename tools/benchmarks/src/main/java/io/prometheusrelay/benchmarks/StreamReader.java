package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;

/**
 * Reads one LATEST stream and counts series and bytes without parsing the messages (MetricsBatch
 * elements are counted from their top-level tags), so the numbers are the server's and the
 * transport's, not protobuf decoding's. Optionally paced: at most {@code seriesPerSecond}.
 */
final class StreamReader {

	/** What one read saw. */
	record Read(long series, long messages, long bytes, long nanos) {

		double messagesPerSecond() {
			return this.messages / (this.nanos / 1e9);
		}

		double seriesPerSecond() {
			return this.series / (this.nanos / 1e9);
		}

		double megabytesPerSecond() {
			return this.bytes / 1e6 / (this.nanos / 1e9);
		}

	}

	private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(byte[] value) {
			return new java.io.ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	private static final MethodDescriptor<GetMetricsRequest, byte[]> GET_METRICS = PrometheusServiceGrpc
		.getGetMetricsMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsMethod().getRequestMarshaller(), BYTES)
		.build();

	private static final MethodDescriptor<GetMetricsRequest, byte[]> GET_METRICS_BATCHES = PrometheusServiceGrpc
		.getGetMetricsBatchesMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsBatchesMethod().getRequestMarshaller(), BYTES)
		.build();

	private StreamReader() {
	}

	/**
	 * Reads the whole LATEST stream.
	 * @param messagesPerSecond pace, or 0 to read as fast as messages arrive
	 */
	static Read read(ManagedChannel channel, boolean batched, double messagesPerSecond) throws InterruptedException {
		AtomicLong series = new AtomicLong();
		AtomicLong messages = new AtomicLong();
		AtomicLong bytes = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
		long start = System.nanoTime();
		ClientCalls.asyncServerStreamingCall(channel.newCall(batched ? GET_METRICS_BATCHES : GET_METRICS, CallOptions.DEFAULT),
				GetMetricsRequest.getDefaultInstance(), new ClientResponseObserver<GetMetricsRequest, byte[]>() {

					@Override
					public void beforeStart(ClientCallStreamObserver<GetMetricsRequest> call) {
						if (messagesPerSecond > 0) {
							// Ask for messages at the pace, 100 times a second, and never more.
							call.disableAutoRequestWithInitial(1);
							double perTick = messagesPerSecond / 100;
							double[] credit = { 0 };
							pacer.scheduleAtFixedRate(() -> {
								credit[0] += perTick;
								int request = (int) credit[0];
								if (request > 0) {
									credit[0] -= request;
									call.request(request);
								}
							}, 10, 10, TimeUnit.MILLISECONDS);
						}
					}

					@Override
					public void onNext(byte[] message) {
						bytes.addAndGet(message.length);
						messages.incrementAndGet();
						series.addAndGet(batched ? countElements(message) : 1);
					}

					@Override
					public void onError(Throwable error) {
						failure.set(error);
						done.countDown();
					}

					@Override
					public void onCompleted() {
						done.countDown();
					}

				});
		done.await();
		long nanos = System.nanoTime() - start;
		pacer.shutdownNow();
		if (failure.get() != null) {
			throw new IllegalStateException("stream failed", failure.get());
		}
		return new Read(series.get(), messages.get(), bytes.get(), nanos);
	}

	/** Number of field-1 elements (TimeSeries) in an encoded MetricsBatch. */
	static int countElements(byte[] batch) {
		int count = 0;
		int pos = 0;
		while (pos < batch.length) {
			pos++; // tag 0x0A
			int length = 0;
			int shift = 0;
			byte b;
			do {
				b = batch[pos++];
				length |= (b & 0x7F) << shift;
				shift += 7;
			}
			while (b < 0);
			pos += length;
			count++;
		}
		return count;
	}

}

"""Speech transcription for corpora without transcripts (`babyvlm corpus transcribe`, `corpus wer`).

Modules, one job each: `chunks` (voice activity and <= 30 s windows), `whisper` (a local Whisper
checkpoint over a batch of windows), `segments` (tokens -> timed segments, confidences, word
times), `rttm` (diarization -> speaker labels), `writer` (CSV/SRT/word files), `pipeline` (the
corpus-level command: resume, rejects, summary), `wer` (word error rate by session), `tiny` (a
tiny random checkpoint for tests). torch and transformers are imported only where a model runs.
"""

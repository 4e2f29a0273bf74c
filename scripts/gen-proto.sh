#!/usr/bin/env bash
# Regenerates Sources/DreamEngine/Graph/Proto/graph.pb.swift from proto/graph.proto.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift 1.39.0 on PATH
# (build it once: swift build -c release --product protoc-gen-swift in a swift-protobuf checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
protoc --proto_path=proto --swift_out=Sources/DreamEngine/Graph/Proto --swift_opt=Visibility=Internal proto/graph.proto

# syntax=docker/dockerfile:1
# A small image for `terraform-provider-ack check` in pipelines: one static
# binary, no shell, no Terraform (give it `terraform show -json` output).
#   docker build -t acklabs/ack-check .
#   docker run --rm -v "$PWD:/work" -w /work acklabs/ack-check check plan.json --output sarif=ack.sarif
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --locked --release -p terraform-provider-ack \
 && strip target/release/terraform-provider-ack

FROM scratch
COPY --from=build /src/target/release/terraform-provider-ack /usr/local/bin/terraform-provider-ack
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/terraform-provider-ack"]
CMD ["check", "--help"]

# The Trailwatch lab app image used by docker-compose.yml (service `lab`). Not built on the development
# machine (no Docker there); tests/simulator/backends/test_compose.py checks it structurally.
FROM python:3.11-slim

WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1

# editable, so scenarios/ and other data next to the code are found as in a checkout
COPY . .
RUN pip install --quiet -e .

EXPOSE 8080
CMD ["trailwatch", "up", "--backend", "localstack", "--endpoint", "http://localstack:4566", "--web-port", "8080"]

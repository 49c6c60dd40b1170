FROM python:3.11-slim
WORKDIR /app
# Only what the package build needs, so local venvs and Neo4j data stay out of the image.
COPY pyproject.toml README.md ./
COPY credgraph ./credgraph
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["credgraph", "serve", "--host", "0.0.0.0"]

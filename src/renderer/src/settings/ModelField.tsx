import { Autocomplete, Loader } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../shared/api-error';
import { useApi } from '../api/context';
import { responderErrorText } from '../conversation/responderErrors';

const isHttpUrl = (text: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

/**
 * The model of an OpenAI-compatible flow: the models its server lists (GET /models, asked
 * through Mnemo with the key the form holds) are offered, and any name can still be typed.
 */
export function ModelField({
  value,
  onChange,
  baseUrl,
  apiKey,
  apiKeyEnv,
  flowId,
}: {
  value: string;
  onChange: (value: string) => void;
  baseUrl: string;
  apiKey: string;
  apiKeyEnv: string;
  flowId: string | undefined;
}) {
  const { api } = useApi();
  const [where] = useDebouncedValue({ baseUrl: baseUrl.trim(), apiKey, apiKeyEnv: apiKeyEnv.trim() }, 400);
  const models = useQuery({
    queryKey: ['models', where, flowId],
    queryFn: () =>
      api.listModels({
        baseUrl: where.baseUrl,
        apiKey: where.apiKey || undefined,
        // Only a name the server accepts (it reads no other variable): half-typed ones are left out.
        apiKeyEnv: /^[A-Z][A-Z0-9_]*_API_KEY$/.test(where.apiKeyEnv) ? where.apiKeyEnv : undefined,
        flowId,
      }),
    enabled: isHttpUrl(where.baseUrl),
    retry: false,
    staleTime: 30_000,
  });
  const ids = models.data?.items.map((m) => m.id) ?? [];
  let description = 'The name the server knows the model by.';
  if (models.isSuccess)
    description =
      ids.length === 0
        ? 'The server lists no models: type the name.'
        : `${ids.length.toLocaleString()} model${ids.length === 1 ? '' : 's'} listed by the server; any other name can be typed.`;
  if (models.isError) {
    const kind = models.error instanceof ApiError ? models.error.errorKind : undefined;
    description = `Could not list the server’s models (${responderErrorText(kind).title.toLowerCase()}): type the name.`;
  }
  return (
    <Autocomplete
      label="Model"
      required
      description={description}
      data={ids}
      limit={200}
      maxDropdownHeight={260}
      value={value}
      onChange={onChange}
      rightSection={models.isFetching ? <Loader size="xs" aria-label="Listing models" /> : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

import { Center, Loader } from '@mantine/core';
import { modals } from '@mantine/modals';
import { lazy, Suspense } from 'react';

// The form, and zod that checks its flow id, load when the dialog opens: not with the first view.
const ImportForm = lazy(() => import('./ImportForm'));

export function openImport() {
  const id = modals.open({
    title: 'Import conversations',
    centered: true,
    size: 'lg',
    children: (
      <Suspense
        fallback={
          <Center h={120}>
            <Loader size="sm" aria-label="Loading" />
          </Center>
        }
      >
        <ImportForm close={() => modals.close(id)} />
      </Suspense>
    ),
  });
}

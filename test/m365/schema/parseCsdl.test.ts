import { parseCsdl } from '../../../dev/m365/schema/parseCsdl';
import { SchemaIndex } from '../../../dev/m365/schema/schemaIndex';
import { validateValue, type ValidationContext } from '../../../dev/m365/schema/validateValue';

/** A miniature EDMX exercising what the Graph CSDL uses: aliases, inheritance, collections, flags. */
const EDMX = `<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="colour" IsFlags="true">
        <Member Name="red" Value="1" /><Member Name="green" Value="2" />
      </EnumType>
      <ComplexType Name="tag"><Property Name="label" Type="Edm.String" Nullable="false" /></ComplexType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="thing" BaseType="graph.entity" OpenType="true">
        <Property Name="colours" Type="graph.colour">
          <Annotation Term="Org.OData.Core.V1.Description"><String>nested &lt;Annotation&gt; text</String></Annotation>
        </Property>
        <Property Name="tags" Type="Collection(graph.tag)" />
        <Property Name="body" Type="Edm.Stream" />
        <NavigationProperty Name="parts" Type="Collection(graph.thing)" ContainsTarget="true" />
      </EntityType>
      <Action Name="poke" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.thing" />
        <Parameter Name="force" Type="Edm.Boolean" Nullable="false" />
        <ReturnType Type="graph.tag" />
      </Action>
      <EntityContainer Name="GraphService">
        <EntitySet Name="things" EntityType="microsoft.graph.thing" />
        <Singleton Name="favourite" Type="microsoft.graph.thing" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;

describe('parseCsdl', () => {
    const model = parseCsdl(EDMX);
    const schema = new SchemaIndex(model);

    it('resolves aliases, base types, collections and nullability', () => {
        expect(model.types['microsoft.graph.thing']).toMatchObject({
            kind: 'entity',
            baseType: 'microsoft.graph.entity',
            open: true,
            abstract: false,
        });
        expect(schema.properties('microsoft.graph.thing').get('id')).toMatchObject({
            type: 'Edm.String',
            nullable: false,
        });
        expect(schema.properties('microsoft.graph.thing').get('tags')).toMatchObject({
            type: 'microsoft.graph.tag',
            collection: true,
            navigation: false,
        });
        expect(schema.properties('microsoft.graph.thing').get('parts')).toMatchObject({
            collection: true,
            navigation: true,
        });
    });

    it('reads enums, bound operations and the container', () => {
        expect(model.types['microsoft.graph.colour']).toEqual({
            kind: 'enum',
            name: 'microsoft.graph.colour',
            members: ['red', 'green'],
            flags: true,
        });
        expect(schema.boundOperation('poke', { type: 'microsoft.graph.thing', collection: false })).toMatchObject({
            parameters: [{ name: 'force', nullable: false }],
            returnType: { type: 'microsoft.graph.tag', collection: false },
        });
        expect(model.container).toEqual({
            things: { type: 'microsoft.graph.thing', collection: true },
            favourite: { type: 'microsoft.graph.thing', collection: false },
        });
    });

    it('validates flags enums as comma-separated members', () => {
        const check = (value: unknown) => {
            const ctx: ValidationContext = { schema, options: {}, issues: [] };
            validateValue(ctx, { type: 'microsoft.graph.colour', collection: false, nullable: true }, value, '$');
            return ctx.issues.map((i) => i.code);
        };
        expect(check('red,green')).toEqual([]);
        expect(check('red,blue')).toEqual(['enum']);
        expect(check(1)).toEqual(['type']);
    });

    it('honours OpenType only when asked, and rejects inline streams', () => {
        const check = (value: unknown, allowOpenTypeProperties: boolean) => {
            const ctx: ValidationContext = { schema, options: { allowOpenTypeProperties }, issues: [] };
            validateValue(ctx, { type: 'microsoft.graph.thing', collection: false, nullable: false }, value, '$');
            return ctx.issues.map((i) => `${i.at} ${i.code}`);
        };
        expect(check({ id: 'a', extra: 1 }, true)).toEqual([]);
        expect(check({ id: 'a', extra: 1 }, false)).toEqual(['$.extra unknown-property']);
        expect(check({ id: 'a', body: 'bytes' }, true)).toEqual(['$.body type']);
        expect(check({ id: null, tags: [{ label: null }] }, false)).toEqual(['$.id null', '$.tags[0].label null']);
    });
});
